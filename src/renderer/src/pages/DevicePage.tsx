import { useEffect, useMemo, useState } from 'react';
import { Chart } from '../components/Chart';
import { Controls } from '../components/Controls';
import { EntityValues } from '../components/EntityValues';
import { KindIcon } from '../components/Icon';
import { useNow } from '../components/visibility';
import { useDeviceEntry, useStore, useTopic } from '../store/hooks';
import {
  ago,
  binaryClassOf,
  entityLabel,
  otherEntities,
  primaryEntities,
  type ValueEntity,
} from '../store/primary';

const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '24h', label: '24 h', ms: 86_400_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;
type RangeKey = (typeof RANGES)[number]['key'] | 'custom';
const CHOICES: { key: RangeKey; label: string }[] = [...RANGES, { key: 'custom', label: 'Custom' }];

/** "2026-11-25T20:15" for datetime-local inputs, in local time. */
const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function DevicePage({ id }: { id: string }) {
  const store = useStore();
  const entry = useDeviceEntry(id);
  const loaded = useTopic('list', (s) => s.listLoaded);
  const now = useNow(10_000, true);
  const [range, setRange] = useState<RangeKey>('1h');
  const [custom, setCustom] = useState(() => ({
    from: toLocalInput(Date.now() - 86_400_000),
    to: toLocalInput(Date.now()),
  }));
  // The window moves with the clock for preset ranges; re-anchor when the range changes.
  const [anchor, setAnchor] = useState(() => Date.now());
  useEffect(() => setAnchor(Date.now()), [range]);

  useEffect(() => {
    store.watch(id);
    return () => store.watch(null);
  }, [store, id]);

  const device = entry?.device;
  // What the device is for, then its settings and its own health, each shown as such.
  const groups = useMemo(() => {
    if (!device) return { primary: [], config: [], diagnostic: [] };
    return {
      primary: primaryEntities(device, 99),
      config: otherEntities(device, 'config'),
      diagnostic: otherEntities(device, 'diagnostic'),
    };
  }, [device]);
  // A chart per entity with a history worth drawing (a configured offset is not one).
  const charted: ValueEntity[] = [...groups.primary, ...groups.diagnostic];

  if (!device) {
    return (
      <section className="page">
        <h1>Device</h1>
        {loaded ? (
          <div className="empty">
            <p>
              No device with id <code>{id}</code>. It may have been forgotten or not seen yet.
            </p>
            <a href="#/">Back to all devices</a>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }

  let from: number;
  let to: number;
  const live = range !== 'custom';
  if (range === 'custom') {
    from = new Date(custom.from).getTime();
    to = new Date(custom.to).getTime();
  } else {
    to = anchor;
    from = anchor - RANGES.find((r) => r.key === range)!.ms;
  }
  const badRange = !(from < to);

  return (
    <section className="page device-page" aria-labelledby="device-title">
      <header className="page-head">
        <a href="#/" className="back">
          ← All devices
        </a>
        <h1 id="device-title">
          <KindIcon kind={device.kind} size={28} /> {device.name || device.id}
        </h1>
        <span className={`badge ${device.online ? 'ok' : 'muted'}`}>
          {device.online ? 'online' : 'away'}
        </span>
      </header>
      <dl className="facts">
        <div>
          <dt>Kind</dt>
          <dd>{device.kind.replace(/_/g, ' ')}</dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>
            {device.transport} · {device.source.replace(/_/g, ' ')}
          </dd>
        </div>
        {device.room && (
          <div>
            <dt>Room</dt>
            <dd>{device.room}</dd>
          </div>
        )}
        {(device.manufacturer || device.model) && (
          <div>
            <dt>Model</dt>
            <dd>{[device.manufacturer, device.model].filter(Boolean).join(' ')}</dd>
          </div>
        )}
        {device.firmware && (
          <div>
            <dt>Firmware</dt>
            <dd>{device.firmware}</dd>
          </div>
        )}
        <div>
          <dt>Last seen</dt>
          <dd>{ago(device.lastSeen, now)}</dd>
        </div>
        <div>
          <dt>Battery</dt>
          <dd>{device.battery !== undefined ? `${Math.round(device.battery)} %` : 'unknown'}</dd>
        </div>
        {device.rssi !== undefined && (
          <div>
            <dt>Signal</dt>
            <dd>{device.rssi} dBm</dd>
          </div>
        )}
        <div>
          <dt>Id</dt>
          <dd>
            <code>{device.id}</code>
          </dd>
        </div>
        {device.gateways.length > 0 && (
          <div>
            <dt>Seen by</dt>
            <dd>{device.gateways.join(', ')}</dd>
          </div>
        )}
      </dl>

      <Controls device={device} />

      <section aria-labelledby="now-title">
        <h2 id="now-title">Now</h2>
        {groups.primary.length === 0 ? (
          <p className="muted">This device has not sent any readings yet.</p>
        ) : (
          <EntityValues device={device} entities={groups.primary} className="now-values" />
        )}
      </section>

      {groups.config.length > 0 && (
        <section aria-labelledby="config-title">
          <h2 id="config-title">Configuration</h2>
          <EntityValues device={device} entities={groups.config} className="now-values config" />
        </section>
      )}
      {groups.diagnostic.length > 0 && (
        <section aria-labelledby="diagnostic-title">
          <h2 id="diagnostic-title">Diagnostics</h2>
          <EntityValues
            device={device}
            entities={groups.diagnostic}
            className="now-values diagnostic"
          />
        </section>
      )}

      <section aria-labelledby="history-title">
        <div className="section-head">
          <h2 id="history-title">History</h2>
          <div
            role="radiogroup"
            aria-label="Time range"
            className="segmented"
            onKeyDown={(e) => {
              // Arrow keys move the choice, as in any radio group; Tab leaves the group.
              const step =
                e.key === 'ArrowRight' || e.key === 'ArrowDown'
                  ? 1
                  : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
                    ? -1
                    : 0;
              if (!step) return;
              e.preventDefault();
              const i =
                (CHOICES.findIndex((c) => c.key === range) + step + CHOICES.length) %
                CHOICES.length;
              setRange(CHOICES[i].key);
              (e.currentTarget.children[i] as HTMLElement | undefined)?.focus();
            }}
          >
            {CHOICES.map((r) => (
              <button
                key={r.key}
                type="button"
                role="radio"
                aria-checked={range === r.key}
                tabIndex={range === r.key ? 0 : -1}
                className={range === r.key ? 'active' : ''}
                onClick={() => setRange(r.key)}
              >
                {r.label}
              </button>
            ))}
          </div>
        </div>
        {range === 'custom' && (
          <div className="custom-range">
            <label>
              From{' '}
              <input
                type="datetime-local"
                value={custom.from}
                onChange={(e) => setCustom({ ...custom, from: e.target.value })}
              />
            </label>
            <label>
              To{' '}
              <input
                type="datetime-local"
                value={custom.to}
                onChange={(e) => setCustom({ ...custom, to: e.target.value })}
              />
            </label>
            {badRange && (
              <span className="field-error" role="alert">
                “From” must be before “To”.
              </span>
            )}
          </div>
        )}
        {charted.length === 0 && (
          <p className="muted">No history yet: charts appear once the device reports readings.</p>
        )}
        {!badRange &&
          charted.map((e) => (
            <Chart
              key={e.key}
              deviceId={device.id}
              entity={e.key}
              metric={e.metric}
              label={entityLabel(device, e)}
              from={from}
              to={to}
              live={live}
              binaryClass={binaryClassOf(device, e)}
            />
          ))}
      </section>
    </section>
  );
}
