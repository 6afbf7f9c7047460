import { useCallback, useEffect, useState } from 'react';
import type { Rule } from '../../../shared/contract/index';
import type { ResultError } from '../../../shared/result';
import { ErrorNote } from '../components/ErrorNote';
import { useDeviceList, useEpoch, useStore } from '../store/hooks';
import { describeRule, draftOf, newDraft, type RuleDraft } from './rule-form';
import { RuleEditor } from './RuleEditor';

export function Rules() {
  const store = useStore();
  const epoch = useEpoch();
  const devices = useDeviceList();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [loadError, setLoadError] = useState<ResultError | null>(null);
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const [rowError, setRowError] = useState<ResultError | null>(null);

  const load = useCallback(async () => {
    const r = await store.api.listRules();
    if (r.ok) {
      setRules(r.value);
      setLoadError(null);
    } else setLoadError(r.error);
  }, [store]);
  useEffect(() => void load(), [load, epoch]);

  const nameOf = (id: string) => devices.find((d) => d.id === id)?.name ?? id;
  const toggle = async (r: Rule) => {
    setRowError(null);
    const res = await store.api.saveRule({ rule: { ...r, enabled: !r.enabled } });
    if (!res.ok) setRowError(res.error);
    await load();
  };
  const remove = async (r: Rule) => {
    if (!confirm(`Delete the rule “${r.name}”?`)) return;
    const res = await store.api.deleteRule({ id: r.id });
    if (!res.ok) setRowError(res.error);
    await load();
  };

  return (
    <section className="page" aria-labelledby="rules-title">
      <header className="page-head">
        <h1 id="rules-title">Rules</h1>
        <button type="button" className="primary" onClick={() => setEditing(newDraft())}>
          New rule
        </button>
      </header>
      {loadError && <ErrorNote error={loadError} what="Rules" />}
      {rowError && <ErrorNote error={rowError} what="Changing the rule" />}
      {editing && (
        <RuleEditor
          draft={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
      {rules && rules.length === 0 && !editing && (
        <div className="empty">
          <h2>No rules yet</h2>
          <p>
            A rule watches readings and device states and then notifies you, switches a device or
            publishes to MQTT. Example: heart rate above 170 for 30 s → turn the fan on.
          </p>
        </div>
      )}
      {rules && rules.length > 0 && (
        <ul className="rule-list">
          {rules.map((r) => (
            <li key={r.id} className={`rule ${r.enabled ? '' : 'disabled'}`} data-rule-id={r.id}>
              <div>
                <strong>{r.name}</strong>{' '}
                <span className={`badge ${r.enabled ? 'ok' : 'muted'}`}>
                  {r.enabled ? 'enabled' : 'disabled'}
                </span>
                <div className="muted">
                  {describeRule(r, nameOf)} → {r.actions.map((a) => a.type).join(', ')}
                  {r.window ? ` · only ${r.window.from}–${r.window.to}` : ''}
                </div>
              </div>
              <div className="btn-row">
                <button
                  type="button"
                  role="switch"
                  aria-checked={r.enabled}
                  aria-label={`Enable ${r.name}`}
                  onClick={() => void toggle(r)}
                >
                  {r.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" onClick={() => setEditing(draftOf(r))}>
                  Edit
                </button>
                <button type="button" className="danger" onClick={() => void remove(r)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
