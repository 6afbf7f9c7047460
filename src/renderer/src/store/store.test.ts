import { describe, expect, it } from 'vitest';
import type { HomebeatApi } from '../../../shared/api';
import type { EventBatch } from '../../../shared/contract/index';
import type { Device } from '../../../shared/model';
import { defaultSettings } from '../../../shared/settings';
import { Store } from './store';

const device = (id: string, hr: number, extra: Partial<Device> = {}): Device => ({
  id,
  transport: 'ble',
  source: 'ble',
  kind: 'heart_rate',
  name: id,
  capabilities: ['heart_rate'],
  online: true,
  lastSeen: Date.now(),
  gateways: [],
  latest: { heart_rate: { metric: 'heart_rate', value: hr, unit: 'bpm', ts: Date.now() } },
  ...extra,
});

/** A HomebeatApi over fixed data: the store's only boundary, answered in memory. */
function api(devices: Device[]): HomebeatApi & { push(b: EventBatch): void } {
  const listeners = new Set<(b: EventBatch) => void>();
  const answers: Record<string, () => unknown> = {
    getStatus: () => ({ state: 'running', jobs: [] }),
    listDevices: () => devices,
    getSettings: () => defaultSettings(),
    querySeries: () => ({ ts: [], values: [], rawCount: 0, unit: 'bpm' }),
  };
  return new Proxy({} as HomebeatApi & { push(b: EventBatch): void }, {
    get(_t, p) {
      if (p === 'push') return (b: EventBatch) => listeners.forEach((l) => l(b));
      if (p === 'onEvents')
        return (l: (b: EventBatch) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        };
      if (p === 'then') return undefined;
      return async () => ({ ok: true, value: answers[p as string]?.() });
    },
  });
}

async function started(devices: Device[]) {
  const a = api(devices);
  const store = new Store(a);
  store.start();
  // start() resynchronises by itself (the link is open); let its requests settle.
  await new Promise((r) => setTimeout(r, 0));
  return { store, a };
}

describe('Store', () => {
  it('wakes only the changed device’s topic for a value change', async () => {
    const { store, a } = await started([device('a', 60), device('b', 70)]);
    const woke: string[] = [];
    for (const t of ['dev:a', 'dev:b', 'list']) store.subscribe(t, () => woke.push(t));
    const listBefore = store.deviceList();
    a.push({ devicesChanged: { upserted: [device('a', 61)], removed: [] } });
    expect(woke).toEqual(['dev:a']);
    expect(store.entries.get('a')!.device.latest.heart_rate!.value).toBe(61);
    // The list snapshot is the same object: the overview does not re-render.
    expect(store.deviceList()).toBe(listBefore);
  });

  it('re-lists when a grouping field changes or a device comes and goes', async () => {
    const { store, a } = await started([device('a', 60)]);
    let lists = 0;
    store.subscribe('list', () => lists++);
    a.push({ devicesChanged: { upserted: [device('a', 60, { room: 'Hall' })], removed: [] } });
    a.push({ devicesChanged: { upserted: [device('c', 50)], removed: ['a'] } });
    expect(lists).toBe(2);
    expect(store.deviceList().map((d) => d.id)).toEqual(['c']);
  });

  it('keeps a sparkline of the primary metric from readings, one notification per batch', async () => {
    const { store, a } = await started([device('a', 60)]);
    let n = 0;
    store.subscribe('dev:a', () => n++);
    const now = Date.now();
    a.push({
      readings: [
        { deviceId: 'a', metric: 'heart_rate', value: 61, unit: 'bpm', ts: now, source: 't' },
        { deviceId: 'a', metric: 'heart_rate', value: 62, unit: 'bpm', ts: now + 1, source: 't' },
        { deviceId: 'a', metric: 'battery', value: 90, unit: '%', ts: now, source: 't' },
        // Older than an hour: not on the sparkline.
        { deviceId: 'a', metric: 'heart_rate', value: 1, unit: 'bpm', ts: now - 4e6, source: 't' },
      ],
    });
    expect(n).toBe(1);
    expect(store.entries.get('a')!.sparkValues).toEqual([61, 62]);
  });

  it("a sparkline follows its entity's own readings, not another of the same metric", async () => {
    const probe = device('p', 0, {
      kind: 'sensor',
      capabilities: ['temperature'],
      latest: {},
      entities: [
        { key: 'temperature_offset', name: 'Offset', metric: 'temperature', category: 'config' },
        { key: 'temperature', name: 'Temperature', metric: 'temperature', category: 'primary' },
      ],
    });
    const { store, a } = await started([probe]);
    expect(store.entries.get('p')).toMatchObject({ sparkEntity: 'temperature' });
    const t = (entity: string, value: number) => ({
      deviceId: 'p',
      entity,
      metric: 'temperature' as const,
      value,
      unit: '°C',
      ts: Date.now(),
      source: 't',
    });
    a.push({ readings: [t('temperature_offset', -2), t('temperature', 21)] });
    expect(store.entries.get('p')!.sparkValues).toEqual([21]);
  });

  it('resync drops devices the engine no longer has and bumps the epoch', async () => {
    const devices = [device('a', 60), device('b', 70)];
    const { store } = await started(devices);
    expect(store.epoch).toBe(1);
    devices.pop();
    await store.resync();
    expect([...store.entries.keys()]).toEqual(['a']);
    expect(store.epoch).toBe(2);
  });

  it('merges command states by id and keeps the newest', async () => {
    const { store, a } = await started([]);
    const c = { id: 'x', deviceId: 'l', entity: 'l', state: 'pending' as const, ts: 1 };
    a.push({ commandState: [c] });
    a.push({ commandState: [{ ...c, state: 'confirmed', ts: 2 }] });
    expect([...store.commands.values()]).toEqual([{ ...c, state: 'confirmed', ts: 2 }]);
  });

  it('hands a navigate event to the page', async () => {
    const { store, a } = await started([]);
    const routes: string[] = [];
    store.onNavigate = (r) => routes.push(r);
    a.push({ navigate: { route: '/device/x' } });
    expect(routes).toEqual(['/device/x']);
  });

  it('keeps alerts newest first and does not add one listAlerts already returned', async () => {
    const { store, a } = await started([]);
    const alert = (n: number) => ({ id: `r-${n}`, ruleId: 'r', title: `t${n}`, body: '', ts: n });
    store.replaceAlerts([alert(1), alert(2)]);
    a.push({ alerts: [alert(2), alert(3), alert(4)] });
    expect(store.alerts.map((x) => x.id)).toEqual(['r-4', 'r-3', 'r-2', 'r-1']);
  });
});
