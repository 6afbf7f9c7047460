import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { ResultError } from '../../../shared/result';
import { ErrorNote } from '../components/ErrorNote';
import { useNow } from '../components/visibility';
import { deviceHref } from '../router';
import { useEpoch, useStatus, useStore, useTopic } from '../store/hooks';
import { ago } from '../store/primary';

type Level = 'all' | 'info' | 'warn' | 'error';
const RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;

const when = (ts: number | null, now: number) =>
  ts ? `${new Date(ts).toLocaleTimeString()} (${ago(ts, now)})` : '—';
const until = (ts: number | null, now: number) => {
  if (!ts) return '—';
  const s = Math.round((ts - now) / 1000);
  if (s <= 0) return 'due now';
  return s < 120
    ? `in ${s} s`
    : s < 7200
      ? `in ${Math.round(s / 60)} min`
      : new Date(ts).toLocaleString();
};

export function Activity() {
  const store = useStore();
  const epoch = useEpoch();
  const status = useStatus();
  const jobs = useTopic('jobs', (s) => s.jobs);
  const alerts = useTopic('alerts', (s) => s.alerts);
  const log = useTopic('log', (s) => s.log);
  const now = useNow(5_000, true);
  const [level, setLevel] = useState<Level>('all');
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim().toLowerCase());
  const [errors, setErrors] = useState<Record<string, ResultError | null>>({});

  useEffect(() => {
    void Promise.all([
      store.api.listJobs().then((r) => (r.ok ? (store.setJobs(r.value), null) : r.error)),
      store.api
        .listAlerts({ limit: 200 })
        .then((r) => (r.ok ? (store.replaceAlerts(r.value), null) : r.error)),
      store.api
        .getLog({ limit: 500 })
        .then((r) => (r.ok ? (store.replaceLog(r.value), null) : r.error)),
    ]).then(([jobs, alerts, log]) => setErrors({ jobs, alerts, log }));
  }, [store, epoch]);

  const shownLog = useMemo(
    () =>
      log.filter(
        (e) =>
          (level === 'all' ? RANK[e.level] >= 1 : RANK[e.level] >= RANK[level]) &&
          (!q ||
            `${e.module} ${e.msg} ${JSON.stringify(e.detail ?? '')}`.toLowerCase().includes(q)),
      ),
    [log, level, q],
  );
  const shownAlerts = useMemo(
    () =>
      alerts.filter(
        (a) => !q || `${a.title} ${a.body} ${a.ruleName ?? ''}`.toLowerCase().includes(q),
      ),
    [alerts, q],
  );

  return (
    <section className="page" aria-labelledby="act-title">
      <header className="page-head">
        <h1 id="act-title">Activity</h1>
        <div className="toolbar" role="search">
          <label>
            <span className="sr-only">Filter activity</span>
            <input
              type="search"
              placeholder="Filter…"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <label>
            Log level{' '}
            <select value={level} onChange={(e) => setLevel(e.target.value as Level)}>
              <option value="all">info and above</option>
              <option value="warn">warnings and errors</option>
              <option value="error">errors only</option>
            </select>
          </label>
          <button type="button" onClick={() => void store.api.syncNow()}>
            Sync now
          </button>
        </div>
      </header>
      {status && status.healthReasons.length > 0 && (
        <div className="notice error" role="alert">
          <strong>Needs attention:</strong>
          <ul>
            {status.healthReasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      <section className="panel" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Sync jobs</h2>
        {errors.jobs && <ErrorNote error={errors.jobs} what="The job list" />}
        {jobs.length === 0 && !errors.jobs ? (
          <p className="muted">
            No jobs are scheduled yet. Pair a device or connect a broker to start syncing.
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col">Problems</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.name}>
                  <td>{j.name}</td>
                  <td>
                    <span
                      className={`badge ${j.failures ? 'bad' : j.state === 'running' ? 'ok' : 'muted'}`}
                    >
                      {j.state}
                    </span>
                    {j.blockedBy
                      ? ` (waiting for ${j.blockedBy === 'ac_power' ? 'AC power' : 'network'})`
                      : ''}
                  </td>
                  <td>{when(j.lastRun, now)}</td>
                  <td>{until(j.nextRun, now)}</td>
                  <td>{j.failures ? `${j.failures} failed: ${j.lastError ?? ''}` : 'none'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        {errors.alerts && <ErrorNote error={errors.alerts} what="Alerts" />}
        {shownAlerts.length === 0 && !errors.alerts ? (
          <p className="muted">
            No alerts. Rules you create on the <a href="#/rules">Rules</a> page raise them here.
          </p>
        ) : (
          <ul className="feed alerts" aria-live="polite">
            {shownAlerts.map((a) => (
              <li key={a.id} className={`alert ${a.urgency ?? 'normal'}`} data-rule-id={a.ruleId}>
                <time dateTime={new Date(a.ts).toISOString()}>{when(a.ts, now)}</time>
                <strong>{a.title}</strong> <span>{a.body}</span>
                {a.deviceId && (
                  <a href={deviceHref(a.deviceId)} className="muted">
                    {' '}
                    open device
                  </a>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="log-title">
        <h2 id="log-title">Log</h2>
        {errors.log && <ErrorNote error={errors.log} what="The log" />}
        {shownLog.length === 0 && !errors.log ? (
          <p className="muted">
            Nothing logged{q || level !== 'all' ? ' matches this filter' : ' yet'}.
          </p>
        ) : (
          <ul className="feed log">
            {shownLog.slice(0, 300).map((e, i) => (
              <li key={`${e.ts}-${i}`} className={`log-${e.level}`}>
                <time dateTime={new Date(e.ts).toISOString()}>
                  {new Date(e.ts).toLocaleTimeString()}
                </time>{' '}
                <span className={`badge lvl-${e.level}`}>{e.level}</span> <code>{e.module}</code>{' '}
                {e.msg}
                {e.detail && <code className="detail">{JSON.stringify(e.detail)}</code>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
