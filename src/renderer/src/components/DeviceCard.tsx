import { memo, useEffect, useRef } from 'react';
import { useDeviceEntry, useStore } from '../store/hooks';
import {
  ago,
  binaryClassOf,
  entityLabel,
  formatValue,
  metricLabel,
  metricUnit,
  primaryEntities,
} from '../store/primary';
import { deviceHref } from '../router';
import { KindIcon } from './Icon';
import { Sparkline } from './Sparkline';
import { useNow, useVisible } from './visibility';

/** One device at a glance. Memoised by id: only this device's changes re-render it. */
export const DeviceCard = memo(function DeviceCard({ id }: { id: string }) {
  const ref = useRef<HTMLLIElement>(null);
  const visible = useVisible(ref);
  const store = useStore();
  const entry = useDeviceEntry(id, visible);
  const now = useNow(30_000, visible);
  useEffect(() => {
    if (visible) void store.loadSpark(id);
  }, [visible, store, id, entry?.sparkEntity]);
  if (!entry) return null;
  const d = entry.device;
  if (!visible) {
    // Off screen: a light placeholder of the same size (name kept for search and screen readers).
    return (
      <li ref={ref} className={`card ${d.online ? 'online' : 'away'}`} data-device-id={d.id}>
        <a className="card-name" href={deviceHref(d.id)}>
          {d.name || d.id}
        </a>
      </li>
    );
  }
  const shown = primaryEntities(d);
  const spark = shown.find((e) => e.key === entry.sparkEntity);
  return (
    <li ref={ref} className={`card full ${d.online ? 'online' : 'away'}`} data-device-id={d.id}>
      <div className="card-head">
        <KindIcon kind={d.kind} />
        <a className="card-name" href={deviceHref(d.id)} title={d.name || d.id}>
          {d.name || d.id}
        </a>
        <span className={`badge ${d.online ? 'ok' : 'muted'}`}>{d.online ? 'online' : 'away'}</span>
      </div>
      <dl className="values">
        {shown.length === 0 && !d.controls?.length && <div className="muted">No readings yet</div>}
        {shown.length === 0 &&
          d.controls?.slice(0, 2).map((c) => (
            <div key={c.entity} className="value" data-entity={c.entity}>
              <dt>{c.name || c.kind}</dt>
              <dd>
                <span className="num">{controlSummary(d.state, c.entity, d.controls!.length)}</span>
              </dd>
            </div>
          ))}
        {shown.map((e) => {
          const lv = d.latest[e.key];
          const m = e.metric;
          const unit = lv?.unit || e.unit || metricUnit(m);
          return (
            <div key={e.key} className="value" data-metric={m} data-entity={e.key}>
              <dt>{entityLabel(d, e)}</dt>
              <dd>
                <span className="num">
                  {lv?.status && lv.status !== 'ok'
                    ? lv.status
                    : formatValue(lv?.value, m, binaryClassOf(d, e))}
                </span>
                {unit && m !== 'state' ? <span className="unit"> {unit}</span> : null}
              </dd>
            </div>
          );
        })}
      </dl>
      {entry.sparkMetric && (
        <Sparkline
          ts={entry.sparkTs}
          values={entry.sparkValues}
          label={spark ? entityLabel(d, spark) : metricLabel(entry.sparkMetric)}
        />
      )}
      <div className="card-foot">
        {d.battery !== undefined ? (
          <span className={d.battery < 20 ? 'warn' : ''}>Battery {Math.round(d.battery)} %</span>
        ) : (
          <span className="muted">No battery info</span>
        )}
        <span title={d.lastSeen ? new Date(d.lastSeen).toLocaleString() : undefined}>
          Seen {ago(d.lastSeen, now)}
        </span>
      </div>
    </li>
  );
});

/** "on · 60 %", "locked", "21 °C": what a controllable device is doing, from its state. */
function controlSummary(
  state: Record<string, unknown> | undefined,
  entity: string,
  controls: number,
): string {
  const own = state?.[entity];
  const st = (own && typeof own === 'object' ? own : controls <= 1 ? state : undefined) as
    Record<string, unknown> | undefined;
  if (!st) return '—';
  const parts: string[] = [];
  // A position says more than open/closed ("40 % open"); the state stays for moving and stopped.
  const positioned = typeof st.position === 'number' && /^(open|closed)$/i.test(String(st.state));
  if (st.state !== undefined && !positioned) parts.push(String(st.state).toLowerCase());
  if (typeof st.brightness === 'number' && String(st.state).toUpperCase() !== 'OFF')
    parts.push(`${st.brightness} %`);
  if (typeof st.setpoint === 'number') parts.push(`set ${st.setpoint} °C`);
  if (typeof st.position === 'number') parts.push(`${st.position} % open`);
  return parts.join(' · ') || '—';
}
