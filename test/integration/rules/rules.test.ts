import { afterEach, describe, expect, it } from 'vitest';
import { RulesService } from '../../../src/main/engine/rules/rules-service.js';
import type { Alert, RuleInput } from '../../../src/shared/contract/index.js';
import type { Metric } from '../../../src/shared/metrics.js';
import type { Reading } from '../../../src/shared/model.js';
import { ManualClock } from '../../helpers/clock.js';
import { createTestEngine, type TestEngine } from '../../helpers/engine.js';

const S = 1000;
const MIN = 60 * S;

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setup(opts: { start?: number } = {}) {
  const clock = new ManualClock(opts.start);
  let rules: RulesService | undefined;
  t = await createTestEngine({ clock, compose: (ctx) => [(rules = new RulesService(ctx))] });
  if (!rules) throw new Error('the engine did not compose the rules service');
  const svc = rules;
  const te = t;
  const save = async (rule: RuleInput): Promise<string> => {
    const res = await te.engine.request('saveRule', { rule });
    if (!res.ok) throw new Error(`${res.error.field}: ${res.error.message}`);
    return (res.value as { id: string }).id;
  };
  const reading = (deviceId: string, metric: Metric, value: number, ts = clock.now()): Reading => ({
    deviceId,
    metric,
    value,
    unit: '',
    ts,
    source: 'test',
  });
  /** Publishes one reading per second (the strap's rate), advancing the clock between them. */
  const stream = async (deviceId: string, metric: Metric, values: number[]) => {
    for (const v of values) {
      te.engine.readings.publish([reading(deviceId, metric, v)]);
      await clock.advance(S);
    }
  };
  const alerts = async (): Promise<Alert[]> => {
    const res = await te.engine.request('listAlerts', {});
    return res.ok ? (res.value as Alert[]) : [];
  };
  return { t: te, svc, clock, save, reading, stream, alerts, sent: te.ports.notifier.sent };
}

const notify = [{ type: 'notify' as const }];
const rep = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

describe('rules', () => {
  it('fires a threshold only after it held for its duration, with a notification', async () => {
    const { t, clock, save, stream, alerts, sent } = await setup();
    t.engine.devices.upsert({ id: 'c0:ff:ee:00:00:01', name: 'Chest strap', online: true });
    await save({
      name: 'HR high',
      kind: 'threshold',
      deviceId: 'c0:ff:ee:00:00:01',
      metric: 'heart_rate',
      op: 'above',
      value: 160,
      forSec: 30,
      actions: [{ type: 'notify', urgency: 'critical' }],
    });
    const strap = 'c0:ff:ee:00:00:01';
    await stream(strap, 'heart_rate', [...rep(150, 10), ...rep(165, 20), 155]);
    expect(await alerts()).toHaveLength(0); // 20 s above, then below: the hold starts over
    const from = clock.now();
    await stream(strap, 'heart_rate', rep(170, 32));
    const list = await alerts();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ deviceId: strap, metric: 'heart_rate', value: 170 });
    expect(list[0]!.ts - from).toBe(30 * S);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      title: 'Heart rate above 160 bpm',
      body: 'Chest strap: heart rate 170 bpm, above 160 for 30 s.',
      urgency: 'critical',
      target: '/device/c0:ff:ee:00:00:01',
    });
    await clock.advance(100);
    const pushed = t.batches.flatMap((b) => b.notification ?? []);
    expect(pushed.map((n) => n.id)).toEqual([sent[0]!.id]);
    expect(t.batches.flatMap((b) => b.alerts ?? []).map((a) => a.id)).toEqual([list[0]!.id]);
  });

  it('fires on the clock tick when a held value is not repeated', async () => {
    const { t, clock, save, reading, alerts } = await setup();
    t.engine.devices.upsert({ id: 'room', online: true });
    await save({
      name: 'Hot',
      kind: 'threshold',
      metric: 'temperature',
      op: 'above',
      value: 28,
      forSec: 120,
      actions: notify,
    });
    t.engine.readings.publish([reading('room', 'temperature', 29.5)]);
    await clock.advance(119 * S);
    expect(await alerts()).toHaveLength(0);
    await clock.advance(2 * S);
    expect((await alerts()).map((a) => a.value)).toEqual([29.5]);
  });

  it('repeats a held condition only after its cooldown, per device', async () => {
    const { t, clock, save, reading, alerts } = await setup();
    await save({
      name: 'HR any',
      kind: 'threshold',
      metric: 'heart_rate',
      op: 'above',
      value: 100,
      cooldownSec: 60,
      actions: notify,
    });
    for (let i = 0; i < 150; i++) {
      t.engine.readings.publish([reading('a', 'heart_rate', 120), reading('b', 'heart_rate', 130)]);
      await clock.advance(S);
    }
    const list = await alerts();
    const at = (id: string) => list.filter((a) => a.deviceId === id).map((a) => a.ts);
    const t0 = at('a')[0]!;
    expect(at('a')).toEqual([t0, t0 + 60 * S, t0 + 120 * S]);
    expect(at('b')).toEqual([t0, t0 + 60 * S, t0 + 120 * S]);
  });

  it('fires a binary change only inside its time window, across midnight', async () => {
    const start = new Date(2026, 0, 10, 21, 50).getTime(); // local time
    const { t, clock, save, alerts } = await setup({ start });
    t.engine.devices.upsert({ id: 'door', kind: 'binary_sensor', state: { contact: true } });
    await save({
      name: 'Door at night',
      kind: 'binary',
      deviceId: 'door',
      entity: 'contact', // Zigbee2MQTT: contact true = closed
      to: 'on',
      cooldownSec: 0,
      window: { from: '22:00', to: '06:00' },
      actions: notify,
    });
    const openClose = () => {
      t.engine.devices.upsert({ id: 'door', state: { contact: false } });
      t.engine.devices.upsert({ id: 'door', state: { contact: true } });
    };
    const hhmm = () => {
      const d = new Date(clock.now());
      return `${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    const firedAt: string[] = [];
    const tryAt = async (jumpMs: number) => {
      clock.jump(jumpMs);
      const before = (await alerts()).length;
      openClose();
      if ((await alerts()).length > before) firedAt.push(hhmm());
    };
    await tryAt(5 * MIN); // 21:55
    await tryAt(95 * MIN); // 23:30
    await tryAt(60 * MIN); // 00:30
    await tryAt(5 * 60 * MIN); // 05:30
    await tryAt(60 * MIN); // 06:30
    expect(firedAt).toEqual(['23:30', '0:30', '5:30']);
    expect((await alerts())[0]!.title).toBe('door: contact on');
  });

  it('fires on a binary reading changing, not on the first state seen', async () => {
    const { clock, save, stream, alerts } = await setup();
    await save({
      name: 'Door opened',
      kind: 'binary',
      deviceId: 'd1',
      cooldownSec: 0,
      actions: notify,
    });
    await stream('d1', 'state', [1, 1, 0, 0, 1, 1, 0, 1]);
    const list = await alerts();
    expect(list.map((a) => a.value)).toEqual([1, 1]);
    expect(list[1]!.ts - list[0]!.ts).toBe(3 * S);
    expect(clock.pending).toBeGreaterThan(0); // the tick keeps running
  });

  it('raises offline after N minutes, once per episode', async () => {
    const { t, clock, save, alerts } = await setup();
    t.engine.devices.upsert({ id: 'thermo', name: 'Thermometer', online: true });
    await save({
      name: 'Thermo gone',
      kind: 'offline',
      deviceId: 'thermo',
      forMin: 5,
      actions: notify,
    });
    await clock.advance(10 * MIN);
    t.engine.devices.upsert({ id: 'thermo', online: false });
    await clock.advance(4 * MIN);
    expect(await alerts()).toHaveLength(0);
    await clock.advance(MIN + S);
    await clock.advance(30 * MIN);
    expect((await alerts()).map((a) => a.title)).toEqual(['Thermometer offline']);
    t.engine.devices.upsert({ id: 'thermo', online: true });
    await clock.advance(MIN);
    t.engine.devices.upsert({ id: 'thermo', online: false });
    await clock.advance(6 * MIN);
    expect(await alerts()).toHaveLength(2);
  });

  it('raises battery low once per episode, from readings and from device state', async () => {
    const { t, save, stream, alerts } = await setup();
    t.engine.devices.upsert({ id: 'plug', name: 'Hall sensor', battery: 50 });
    await save({ name: 'Battery', kind: 'battery', belowPct: 20, cooldownSec: 0, actions: notify });
    await stream('band', 'battery', [25, 19, 18, 17, 30, 15]);
    expect((await alerts()).map((a) => [a.deviceId, a.value])).toEqual([
      ['band', 19],
      ['band', 15],
    ]);
    t.engine.devices.upsert({ id: 'plug', battery: 12 });
    expect((await alerts()).at(-1)).toMatchObject({
      deviceId: 'plug',
      title: 'Battery low: Hall sensor',
    });
  });

  it('ignores stale readings (records synced late)', async () => {
    const { t, clock, save, reading, alerts } = await setup();
    await save({
      name: 'Low',
      kind: 'threshold',
      metric: 'spo2',
      op: 'below',
      value: 90,
      actions: notify,
    });
    t.engine.readings.publish([reading('ox', 'spo2', 85, clock.now() - 60 * MIN)]);
    expect(await alerts()).toHaveLength(0);
    t.engine.readings.publish([reading('ox', 'spo2', 85)]);
    expect(await alerts()).toHaveLength(1);
  });

  it('refuses an invalid rule naming field and reason while the running rules go on', async () => {
    const { t, svc, save, stream, alerts } = await setup();
    const id = await save({
      name: 'HR',
      kind: 'threshold',
      metric: 'heart_rate',
      op: 'above',
      value: 100,
      cooldownSec: 0,
      actions: notify,
    });
    // Deliberately invalid input: the untyped entry point, as an untrusted caller would use.
    const bad = async (rule: unknown) => t.engine.handle('saveRule', { rule });
    const base = {
      name: 'x',
      kind: 'threshold',
      metric: 'heart_rate',
      op: 'above',
      value: 1,
      actions: notify,
    };
    expect(await bad({ ...base, op: 'greater' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'rule.op' },
    });
    expect(await bad({ ...base, metric: 'mood' })).toMatchObject({
      error: { field: 'rule.metric' },
    });
    expect(await bad({ ...base, actions: [] })).toMatchObject({
      error: { field: 'rule.actions', message: 'rule.actions: needs at least one action' },
    });
    expect(await bad({ ...base, window: { from: '25:00', to: '06:00' } })).toMatchObject({
      error: { field: 'rule.window.from', message: expect.stringContaining('time of day') },
    });
    expect(await bad({ ...base, kind: 'sometimes' })).toMatchObject({
      error: { field: 'rule.kind' },
    });
    const viaSettings = await t.engine.request('updateSettings', {
      rules: [{ ...base, id: 'b', kind: 'offline', deviceId: 'x', forMin: 0 }],
    });
    expect(viaSettings).toMatchObject({ ok: false, error: { field: 'rules.0.forMin' } });
    // Also when the handler is reached without the contract's validation.
    expect(() => svc.handlers.saveRule!({ rule: { ...base, value: 'high' } as never })).toThrow(
      /rule\.value/,
    );
    const rules = await t.engine.request('listRules', {});
    expect(rules.ok && (rules.value as { id: string }[]).map((r) => r.id)).toEqual([id]);
    await stream('s', 'heart_rate', [120]);
    expect(await alerts()).toHaveLength(1);
    // A saved rule replaces by id; a deleted one stops firing.
    await save({ ...base, id, value: 200 } as RuleInput);
    await stream('s', 'heart_rate', [150]);
    expect(await alerts()).toHaveLength(1);
    expect(await t.engine.request('deleteRule', { id })).toMatchObject({ ok: true });
    expect(await t.engine.request('deleteRule', { id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('records alerts without an OS notification when notifications are off', async () => {
    const { t, save, stream, alerts, sent } = await setup();
    t.engine.settings.update({ general: { notifications: false } });
    await save({
      name: 'HR',
      kind: 'threshold',
      metric: 'heart_rate',
      op: 'above',
      value: 100,
      actions: notify,
    });
    await stream('s', 'heart_rate', [120]);
    expect(await alerts()).toHaveLength(1);
    expect(sent).toHaveLength(0);
  });
});
