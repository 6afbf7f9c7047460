import { describe, expect, it } from 'vitest';
import { DeviceRegistry, ReadingBus } from './devices.js';
import { sameJson } from './same-json.js';
import type { DevicesDelta } from '../../shared/model.js';

describe('DeviceRegistry', () => {
  it('emits only when a patch changes something, and unions gateways', () => {
    const reg = new DeviceRegistry();
    const seen: DevicesDelta[] = [];
    reg.onChange((d) => seen.push(d));
    reg.upsert({ id: 'aa', name: 'Strap', gateways: ['g1'], state: { light: { state: 'ON' } } });
    reg.upsert({ id: 'aa', name: 'Strap', gateways: ['g1'], state: { light: { state: 'ON' } } });
    expect(seen).toHaveLength(1);
    reg.upsert({ id: 'aa', gateways: ['g2'] });
    expect(reg.get('aa')!.gateways).toEqual(['g1', 'g2']);
    reg.upsert({ id: 'aa', state: { light: { state: 'OFF' } } });
    expect(seen).toHaveLength(3);
    expect(reg.get('aa')!.state).toEqual({ light: { state: 'OFF' } });
    expect(reg.remove('aa')).toBe(true);
    expect(reg.remove('aa')).toBe(false);
    expect(seen.at(-1)).toEqual({ upserted: [], removed: ['aa'] });
  });

  it('folds readings into latest values, battery, capabilities and last seen, keeping the newest', () => {
    const reg = new DeviceRegistry();
    reg.upsert({ id: 'aa', name: 'Strap' });
    const r = (
      metric: 'heart_rate' | 'battery',
      value: number | null,
      ts: number,
      status?: 'nan',
    ) => ({
      deviceId: 'aa',
      metric,
      value,
      unit: metric === 'battery' ? '%' : 'bpm',
      ts,
      source: 'ble',
      status,
    });
    reg.applyReadings([
      r('heart_rate', 70, 2000),
      r('heart_rate', 65, 1000),
      r('battery', 80, 1500),
    ]);
    const d = reg.get('aa')!;
    expect(d.latest.heart_rate).toEqual({ value: 70, unit: 'bpm', ts: 2000 });
    expect(d.battery).toBe(80);
    expect(d.capabilities.sort()).toEqual(['battery', 'heart_rate']);
    expect(d.lastSeen).toBe(2000);
    expect(d.online).toBe(true);
    reg.applyReadings([r('heart_rate', null, 3000, 'nan')]);
    expect(reg.get('aa')!.latest.heart_rate).toEqual({
      value: null,
      unit: 'bpm',
      ts: 3000,
      status: 'nan',
    });
    // Readings for an unknown device do not invent one.
    reg.applyReadings([{ ...r('heart_rate', 1, 1), deviceId: 'zz' }]);
    expect(reg.get('zz')).toBeUndefined();
  });

  it('compares as JSON would carry it, structurally', () => {
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameJson({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(sameJson(NaN, NaN)).toBe(true);
    expect(sameJson(1, '1')).toBe(false);
    // An undefined member is absent, as in the JSON a push carries: no change to push.
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
  });
});

describe('ReadingBus', () => {
  it('keeps delivering to the others when one consumer throws', () => {
    const bus = new ReadingBus();
    const errors: unknown[] = [];
    bus.setErrorHandler((e) => errors.push(e));
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error('disk full');
    });
    bus.subscribe((rs) => got.push(rs.length));
    bus.publish([
      { deviceId: 'a', metric: 'heart_rate', value: 1, unit: 'bpm', ts: 1, source: 't' },
    ]);
    bus.publish([]);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(1);
  });
});
