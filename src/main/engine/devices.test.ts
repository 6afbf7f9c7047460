import { describe, expect, it } from 'vitest';
import { DeviceRegistry, ReadingBus } from './devices.js';
import { sameJson } from './same-json.js';
import type { DevicesDelta, LatestValue } from '../../shared/model.js';

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
    expect(d.latest.heart_rate).toEqual({ metric: 'heart_rate', value: 70, unit: 'bpm', ts: 2000 });
    expect(d.battery).toBe(80);
    // Capabilities are what the device is for: its battery is a diagnostic, shown apart.
    expect(d.capabilities).toEqual(['heart_rate']);
    expect(d.lastSeen).toBe(2000);
    expect(d.online).toBe(true);
    reg.applyReadings([r('heart_rate', null, 3000, 'nan')]);
    expect(reg.get('aa')!.latest.heart_rate).toEqual({
      metric: 'heart_rate',
      value: null,
      unit: 'bpm',
      ts: 3000,
      status: 'nan',
    });
    // Readings for an unknown device do not invent one.
    reg.applyReadings([{ ...r('heart_rate', 1, 1), deviceId: 'zz' }]);
    expect(reg.get('zz')).toBeUndefined();
  });

  it('keeps one latest value per entity; in one millisecond the last to arrive wins', () => {
    const reg = new DeviceRegistry();
    reg.upsert({ id: 'bt', transport: 'ble', source: 'bthome' });
    const t = (entity: string, value: number, ts: number) => ({
      deviceId: 'bt',
      entity,
      metric: 'temperature' as const,
      value,
      unit: '°C',
      ts,
      source: 'bthome',
    });
    reg.applyReadings([t('temperature', 21.5, 1000), t('temperature_2', 4.25, 1000)]);
    reg.applyReadings([t('temperature_2', 4.5, 1000), t('temperature_2', 4.75, 1000)]);
    const d = reg.get('bt')!;
    expect(d.latest.temperature).toMatchObject({ metric: 'temperature', value: 21.5 });
    expect(d.latest.temperature_2).toMatchObject({ metric: 'temperature', value: 4.75 });
    // A BLE device's entities are learned from its readings, named after the metric.
    expect(d.entities).toEqual([
      {
        key: 'temperature',
        name: 'Temperature',
        metric: 'temperature',
        unit: '°C',
        category: 'primary',
      },
      {
        key: 'temperature_2',
        name: 'Temperature 2',
        metric: 'temperature',
        unit: '°C',
        category: 'primary',
      },
    ]);
    expect(d.capabilities).toEqual(['temperature']);
    reg.applyReadings([{ ...t('battery', 90, 1000), metric: 'battery', unit: '%' }]);
    expect(reg.get('bt')!.entities!.at(-1)).toMatchObject({
      key: 'battery',
      category: 'diagnostic',
    });
    expect(reg.get('bt')!.capabilities).toEqual(['temperature']);
  });

  it('reads a snapshot keyed by metric, and drops values no declared entity holds', () => {
    const reg = new DeviceRegistry();
    // An older Homebeat's snapshot: latest keyed by metric, without the metric in the value.
    const old = { value: 20, unit: '°C', ts: 5 } as unknown as LatestValue;
    reg.upsert({
      id: 'plug',
      transport: 'mqtt',
      latest: { temperature: old, power: { ...old, unit: 'W' } },
    });
    expect(reg.get('plug')!.latest.temperature).toEqual({ ...old, metric: 'temperature' });
    // Its dialect declares its entities: the metric-keyed power it no longer has goes.
    reg.upsert({
      id: 'plug',
      entities: [
        { key: 'temperature', name: 'Temperature', metric: 'temperature', category: 'primary' },
      ],
    });
    expect(Object.keys(reg.get('plug')!.latest)).toEqual(['temperature']);
    // A dialect's device learns no entities from its readings.
    reg.applyReadings([
      { deviceId: 'plug', entity: 'x', metric: 'power', value: 1, unit: 'W', ts: 6, source: 's' },
    ]);
    expect(reg.get('plug')!.entities).toHaveLength(1);
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
    // A reading that names no entity is its metric's own.
    const r = {
      deviceId: 'a',
      metric: 'heart_rate' as const,
      value: 1,
      unit: 'bpm',
      ts: 1,
      source: 't',
    };
    bus.publish([r]);
    expect(errors).toHaveLength(2);
    expect(r).toMatchObject({ entity: 'heart_rate' });
  });
});
