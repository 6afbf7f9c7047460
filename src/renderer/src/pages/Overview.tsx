import { startTransition, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Device } from '../../../shared/model';
import { DeviceCard } from '../components/DeviceCard';
import { useDeviceList, useStore, useTopic } from '../store/hooks';

/** One collator for every sort: localeCompare builds one per call. */
const collator = new Intl.Collator(undefined, { numeric: true });

/** Cards in the first paint; the rest follow in steps, so a thousand never block one frame. */
const FIRST_CARDS = 60;
const STEP_CARDS = 200;

type GroupBy = 'room' | 'transport' | 'none';
type Presence = 'all' | 'online' | 'away';

const TRANSPORT_LABEL: Record<string, string> = {
  ble: 'Bluetooth',
  mqtt: 'Smart home (MQTT)',
};

export function Overview() {
  const store = useStore();
  const devices = useDeviceList();
  const loaded = useTopic('list', (s) => s.listLoaded);
  const listError = useTopic('list', (s) => s.listError);
  const [query, setQuery] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('room');
  const [presence, setPresence] = useState<Presence>('all');
  const [kind, setKind] = useState('');
  // Typing stays instant while a thousand cards re-filter in the background.
  const q = useDeferredValue(query.trim().toLowerCase());

  const kinds = useMemo(() => [...new Set(devices.map((d) => d.kind))].sort(), [devices]);
  const groups = useMemo(() => {
    const shown = devices.filter(
      (d) =>
        (presence === 'all' || (presence === 'online') === d.online) &&
        (!kind || d.kind === kind) &&
        (!q || matches(d, q)),
    );
    const map = new Map<string, Device[]>();
    for (const d of shown) {
      const key =
        groupBy === 'room'
          ? d.room || 'No room'
          : groupBy === 'transport'
            ? (TRANSPORT_LABEL[d.transport] ?? d.transport)
            : 'All devices';
      const list = map.get(key);
      if (list) list.push(d);
      else map.set(key, [d]);
    }
    for (const list of map.values()) list.sort((a, b) => collator.compare(a.name, b.name));
    return [...map.entries()].sort(([a], [b]) => collator.compare(a, b));
  }, [devices, presence, kind, q, groupBy]);
  const shownCount = groups.reduce((n, [, l]) => n + l.length, 0);
  const [limit, setLimit] = useState(FIRST_CARDS);
  useEffect(() => {
    if (limit >= shownCount) return;
    const t = setTimeout(() => startTransition(() => setLimit((l) => l + STEP_CARDS)), 0);
    return () => clearTimeout(t);
  }, [limit, shownCount]);
  let budget = limit;
  const visibleGroups = groups.map(([name, list]) => {
    const part = budget >= list.length ? list : list.slice(0, Math.max(0, budget));
    budget -= part.length;
    return [name, list.length, part] as const;
  });

  return (
    <section aria-labelledby="overview-title" className="page">
      <header className="page-head">
        <h1 id="overview-title">Devices</h1>
        <div className="toolbar" role="search">
          <label>
            <span className="sr-only">Search devices</span>
            <input
              type="search"
              placeholder="Search name, room, model…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </label>
          <label>
            Show{' '}
            <select value={presence} onChange={(e) => setPresence(e.target.value as Presence)}>
              <option value="all">all</option>
              <option value="online">online</option>
              <option value="away">away</option>
            </select>
          </label>
          <label>
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">any</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {k.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          </label>
          <label>
            Group by{' '}
            <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
              <option value="room">room</option>
              <option value="transport">transport</option>
              <option value="none">nothing</option>
            </select>
          </label>
        </div>
      </header>
      {listError && !loaded && (
        <div className="notice error" role="alert">
          Could not load devices: {listError}. Homebeat retries when the connection comes back.
          <button type="button" onClick={() => void store.resync()}>
            Retry now
          </button>
        </div>
      )}
      {!loaded && !listError && <p className="muted">Loading devices…</p>}
      {loaded && devices.length === 0 && (
        <div className="empty">
          <h2>No devices yet</h2>
          <p>
            Pair a wearable on the <a href="#/bluetooth">Bluetooth</a> page, or connect your broker
            on the <a href="#/smarthome">Smart home</a> page: Home Assistant and Zigbee2MQTT devices
            appear by themselves.
          </p>
        </div>
      )}
      {loaded && devices.length > 0 && shownCount === 0 && (
        <p className="empty">No device matches these filters. Clear the search or pick “all”.</p>
      )}
      <p className="sr-only" aria-live="polite">
        {loaded ? `${shownCount} of ${devices.length} devices shown` : ''}
      </p>
      {visibleGroups.map(([name, total, list]) =>
        list.length === 0 ? null : (
          <section key={name} className="group" aria-label={name}>
            <h2>
              {name} <span className="muted">({total})</span>
            </h2>
            <ul className="cards">
              {list.map((d) => (
                <DeviceCard key={d.id} id={d.id} />
              ))}
            </ul>
          </section>
        ),
      )}
    </section>
  );
}

function matches(d: Device, q: string): boolean {
  return [d.name, d.id, d.room, d.model, d.manufacturer, d.kind]
    .filter(Boolean)
    .some((s) => s!.toLowerCase().includes(q));
}
