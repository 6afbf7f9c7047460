import { useState, type FormEvent } from 'react';
import type { ResultError } from '../../../shared/result';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { useDeviceList, useStore } from '../store/hooks';
import { newAction, toRuleInput, type ActionDraft, type RuleDraft } from './rule-form';
import { ConditionFields } from './RuleConditionFields';

/**
 * Creates or edits one rule. The engine validates it (one schema everywhere) and names the
 * offending field, which is shown next to that field here.
 */
export function RuleEditor({
  draft,
  onCancel,
  onSaved,
}: {
  draft: RuleDraft;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const store = useStore();
  const devices = useDeviceList();
  const [d, setD] = useState(draft);
  const [error, setError] = useState<ResultError | null>(null);
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => setD({ ...d, [k]: v });
  const setAction = (i: number, a: Partial<ActionDraft>) =>
    setD({ ...d, actions: d.actions.map((x, j) => (j === i ? { ...x, ...a } : x)) });
  /** The engine names the field as "rule.value" or "rule.actions.0.title". */
  const err = (f: string) => {
    const field = error?.field?.replace(/^rule\./, '');
    return field === f ? error!.message.replace(/^[\w.]+: /, '') : null;
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.api.saveRule({ rule: toRuleInput(d) });
    if (r.ok) onSaved();
    else setError(r.error);
  };
  const needsDevice = d.kind === 'offline' || d.kind === 'binary' || d.kind === 'event';
  const controls = devices.find((x) => x.id === d.deviceId)?.eventSources ?? [];
  const deviceSelect = (value: string, onChange: (v: string) => void, optional: boolean) => (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{optional ? 'any device' : 'choose a device'}</option>
      {devices.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name}
        </option>
      ))}
    </select>
  );
  const shownFields = new Set([
    'name',
    'kind',
    'deviceId',
    'metric',
    'op',
    'value',
    'forSec',
    'forMin',
    'belowPct',
    'entity',
    'to',
    'source',
    'event',
    'cooldownSec',
    'window.from',
    'window.to',
    'actions',
    ...d.actions.flatMap((_, i) =>
      ['type', 'title', 'body', 'deviceId', 'entity', 'command', 'topic'].map(
        (k) => `actions.${i}.${k}`,
      ),
    ),
  ]);
  const unplaced = error && !shownFields.has(error.field?.replace(/^rule\./, '') ?? '');

  return (
    <form
      className="panel form rule-editor"
      onSubmit={(e) => void save(e)}
      noValidate
      aria-label={d.id ? 'Edit rule' : 'New rule'}
    >
      <h2>{d.id ? `Edit “${draft.name}”` : 'New rule'}</h2>
      <Field label="Name" error={err('name')}>
        <input value={d.name} onChange={(e) => set('name', e.target.value)} />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={d.enabled}
          onChange={(e) => set('enabled', e.target.checked)}
        />{' '}
        Enabled
      </label>
      <Field label="When" error={err('kind')}>
        <select value={d.kind} onChange={(e) => set('kind', e.target.value as RuleDraft['kind'])}>
          <option value="threshold">a reading crosses a threshold</option>
          <option value="offline">a device goes offline</option>
          <option value="battery">a battery runs low</option>
          <option value="binary">a device state changes</option>
          <option value="event">a button is pressed</option>
        </select>
      </Field>
      <Field label="Device" error={err('deviceId')}>
        {deviceSelect(d.deviceId, (v) => set('deviceId', v), !needsDevice)}
      </Field>
      <ConditionFields
        d={d}
        set={set}
        err={err}
        controls={controls}
        device={devices.find((x) => x.id === d.deviceId)}
      />
      <Field label="Quiet time after firing (seconds)" error={err('cooldownSec')}>
        <input
          inputMode="numeric"
          value={d.cooldownSec}
          onChange={(e) => set('cooldownSec', e.target.value)}
        />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={d.windowOn}
          onChange={(e) => set('windowOn', e.target.checked)}
        />{' '}
        Only between certain times
      </label>
      {d.windowOn && (
        <div className="inline-fields">
          <Field label="From" error={err('window.from')}>
            <input
              type="time"
              value={d.windowFrom}
              onChange={(e) => set('windowFrom', e.target.value)}
            />
          </Field>
          <Field label="To" error={err('window.to')}>
            <input
              type="time"
              value={d.windowTo}
              onChange={(e) => set('windowTo', e.target.value)}
            />
          </Field>
        </div>
      )}
      <fieldset>
        <legend>Then</legend>
        {err('actions') && (
          <span className="field-error" role="alert">
            {err('actions')}
          </span>
        )}
        {d.actions.map((a, i) => (
          <div key={i} className="action">
            <Field label={`Action ${i + 1}`} error={err(`actions.${i}.type`)}>
              <select
                value={a.type}
                onChange={(e) => setAction(i, { type: e.target.value as ActionDraft['type'] })}
              >
                <option value="notify">notify me</option>
                <option value="command">send a command</option>
                <option value="publish">publish to MQTT</option>
              </select>
            </Field>
            {a.type === 'notify' && (
              <>
                <Field
                  label="Title"
                  error={err(`actions.${i}.title`)}
                  hint="Empty: made from the rule. {device}, {value}, {unit} are filled in."
                >
                  <input
                    value={a.title}
                    onChange={(e) => setAction(i, { title: e.target.value })}
                  />
                </Field>
                <Field label="Urgency" error={null}>
                  <select
                    value={a.urgency}
                    onChange={(e) =>
                      setAction(i, { urgency: e.target.value as ActionDraft['urgency'] })
                    }
                  >
                    <option value="low">low</option>
                    <option value="normal">normal</option>
                    <option value="critical">critical</option>
                  </select>
                </Field>
              </>
            )}
            {a.type === 'command' && (
              <>
                <Field label="Device" error={err(`actions.${i}.deviceId`)}>
                  {deviceSelect(a.deviceId, (v) => setAction(i, { deviceId: v }), false)}
                </Field>
                <Field label="Entity" error={err(`actions.${i}.entity`)}>
                  <input
                    value={a.entity}
                    onChange={(e) => setAction(i, { entity: e.target.value })}
                  />
                </Field>
                <Field
                  label="Command"
                  error={err(`actions.${i}.command`)}
                  hint="key=value, separated by commas"
                >
                  <input
                    value={a.command}
                    onChange={(e) => setAction(i, { command: e.target.value })}
                  />
                </Field>
              </>
            )}
            {a.type === 'publish' && (
              <>
                <Field label="Topic" error={err(`actions.${i}.topic`)}>
                  <input
                    value={a.topic}
                    onChange={(e) => setAction(i, { topic: e.target.value })}
                  />
                </Field>
                <Field label="Payload" error={err(`actions.${i}.payload`)}>
                  <input
                    value={a.payload}
                    onChange={(e) => setAction(i, { payload: e.target.value })}
                  />
                </Field>
              </>
            )}
            {d.actions.length > 1 && (
              <button
                type="button"
                onClick={() => setD({ ...d, actions: d.actions.filter((_, j) => j !== i) })}
              >
                Remove action
              </button>
            )}
          </div>
        ))}
        <button type="button" onClick={() => setD({ ...d, actions: [...d.actions, newAction()] })}>
          Add action
        </button>
      </fieldset>
      {unplaced && error && <ErrorNote error={error} what="Saving the rule" />}
      <div className="btn-row">
        <button type="submit" className="primary">
          Save rule
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
