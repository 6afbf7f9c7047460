import { entitiesOf } from '../../../shared/entities';
import { METRIC_NAMES } from '../../../shared/metrics';
import type { Device } from '../../../shared/model';
import { CONTROL_EVENTS } from '../../../shared/control-events';
import { Field } from '../components/Field';
import { metricLabel } from '../store/primary';
import type { RuleDraft } from './rule-form';

/** The fields of a rule's condition, by its kind (the device is chosen above them). */
export function ConditionFields({
  d,
  set,
  err,
  controls,
  device,
}: {
  d: RuleDraft;
  set: <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => void;
  /** The engine's message for a field, or null. */
  err: (field: string) => string | null;
  /** The chosen device's buttons and dimmers seen so far. */
  controls: string[];
  /** The chosen device, if one is. */
  device?: Device;
}) {
  // A device with several entities of the metric (two probes, an offset): which one to watch.
  const ofMetric = device ? entitiesOf(device).filter((e) => e.metric === d.metric) : [];
  return (
    <>
      {d.kind === 'threshold' && (
        <>
          <Field label="Metric" error={err('metric')}>
            <select
              value={d.metric}
              onChange={(e) => {
                set('metric', e.target.value);
                set('valueEntity', '');
              }}
            >
              {METRIC_NAMES.map((m) => (
                <option key={m} value={m}>
                  {metricLabel(m)}
                </option>
              ))}
            </select>
          </Field>
          {(ofMetric.length > 1 || d.valueEntity) && (
            <Field label="Entity" error={err('entity')}>
              <select value={d.valueEntity} onChange={(e) => set('valueEntity', e.target.value)}>
                <option value="">the device’s own</option>
                {[
                  ...ofMetric,
                  ...(d.valueEntity && !ofMetric.some((e) => e.key === d.valueEntity)
                    ? [{ key: d.valueEntity, name: d.valueEntity, category: 'primary' }]
                    : []),
                ].map((e) => (
                  <option key={e.key} value={e.key}>
                    {e.name}
                    {e.category === 'primary' ? '' : ` (${e.category})`}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Is" error={err('op')}>
            <select value={d.op} onChange={(e) => set('op', e.target.value as 'above' | 'below')}>
              <option value="above">above</option>
              <option value="below">below</option>
            </select>
          </Field>
          <Field label="Value" error={err('value')}>
            <input
              inputMode="decimal"
              value={d.value}
              onChange={(e) => set('value', e.target.value)}
            />
          </Field>
          <Field label="For at least (seconds)" error={err('forSec')}>
            <input
              inputMode="numeric"
              value={d.forSec}
              onChange={(e) => set('forSec', e.target.value)}
            />
          </Field>
        </>
      )}
      {d.kind === 'offline' && (
        <Field label="Offline for (minutes)" error={err('forMin')}>
          <input
            inputMode="numeric"
            value={d.forMin}
            onChange={(e) => set('forMin', e.target.value)}
          />
        </Field>
      )}
      {d.kind === 'battery' && (
        <Field label="Below (%)" error={err('belowPct')}>
          <input
            inputMode="numeric"
            value={d.belowPct}
            onChange={(e) => set('belowPct', e.target.value)}
          />
        </Field>
      )}
      {d.kind === 'binary' && (
        <>
          <Field label="State key" error={err('entity')}>
            <input value={d.entity} onChange={(e) => set('entity', e.target.value)} />
          </Field>
          <Field label="Turns" error={err('to')}>
            <select value={d.to} onChange={(e) => set('to', e.target.value as RuleDraft['to'])}>
              <option value="on">on / open / detected</option>
              <option value="off">off / closed / clear</option>
              <option value="any">either way</option>
            </select>
          </Field>
        </>
      )}
      {d.kind === 'event' && (
        <>
          <Field label="Button or dimmer" error={err('source')}>
            <select value={d.source} onChange={(e) => set('source', e.target.value)}>
              <option value="">any</option>
              {[...new Set([...controls, ...(d.source ? [d.source] : [])])].map((c) => (
                <option key={c} value={c}>
                  {c.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Event" error={err('event')}>
            <select value={d.event} onChange={(e) => set('event', e.target.value)}>
              <option value="">any</option>
              {[...CONTROL_EVENTS.button, ...CONTROL_EVENTS.dimmer].map((x) => (
                <option key={x} value={x}>
                  {x.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
    </>
  );
}
