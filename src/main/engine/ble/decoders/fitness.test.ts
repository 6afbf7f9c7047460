import { describe, expect, it } from 'vitest';
import { createDecoderState, DecodeError, decodeCharacteristic } from './index.js';

/*
 * CSC Measurement 0x2A5B (CSCS 1.0 §3.1; event times in 1/1024 s) and Cycling Power Measurement
 * 0x2A63 (CPS 1.1 §3.2; wheel event time in 1/2048 s, crank in 1/1024 s). Speed and cadence come
 * from two notifications; counters and u16 event times wrap around.
 */
function csc(wheel?: [number, number], crank?: [number, number]): Buffer {
  const parts: Buffer[] = [Buffer.from([(wheel ? 1 : 0) | (crank ? 2 : 0)])];
  if (wheel) {
    const b = Buffer.alloc(6);
    b.writeUInt32LE(wheel[0], 0);
    b.writeUInt16LE(wheel[1], 4);
    parts.push(b);
  }
  if (crank) {
    const b = Buffer.alloc(4);
    b.writeUInt16LE(crank[0], 0);
    b.writeUInt16LE(crank[1], 2);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

const metric = (values: { metric: string; value: number | null }[], m: string) =>
  values.find((v) => v.metric === m)?.value;

describe('CSC Measurement 0x2A5B', () => {
  it('first notification has no speed; the second gives speed and cadence from deltas', () => {
    const s = createDecoderState();
    const first = decodeCharacteristic('2a5b', csc([100, 1024], [10, 1024]), s);
    expect(first.values).toEqual([]);
    expect(first.extra).toEqual({
      wheelRevolutions: 100,
      lastWheelEventTime: 1024,
      crankRevolutions: 10,
      lastCrankEventTime: 1024,
    });
    // 3 wheel revolutions in 1 s × 2.105 m; 1 crank revolution in 0.5 s = 120 rpm
    const second = decodeCharacteristic('2a5b', csc([103, 2048], [11, 1536]), s);
    expect(second.values).toEqual([
      { metric: 'speed', value: 6.315, unit: 'm/s' },
      { metric: 'cadence', value: 120, unit: 'rpm' },
    ]);
  });

  it('handles wrap-around of the u32 wheel counter, u16 crank counter and u16 event times', () => {
    const s = createDecoderState();
    decodeCharacteristic('2a5b', csc([0xffffffff, 65000], [65535, 65500]), s);
    const r = decodeCharacteristic('2a5b', csc([2, (65000 + 1024) % 65536], [1, 988]), s);
    expect(metric(r.values, 'speed')).toBe(6.315); // +3 revolutions in 1 s
    expect(metric(r.values, 'cadence')).toBe(120); // +2 revolutions in 1 s
  });

  it('uses the configured wheel circumference', () => {
    const s = createDecoderState({ wheelCircumferenceM: 2 });
    decodeCharacteristic('2a5b', csc([0, 0]), s);
    expect(metric(decodeCharacteristic('2a5b', csc([5, 2048]), s).values, 'speed')).toBe(5);
    expect(createDecoderState({ wheelCircumferenceM: -1 }).wheelCircumferenceM).toBe(2.105);
  });

  it('reports 0 once the same event repeats for three notifications (stopped)', () => {
    const s = createDecoderState();
    decodeCharacteristic('2a5b', csc([10, 500]), s);
    expect(decodeCharacteristic('2a5b', csc([10, 500]), s).values).toEqual([]);
    expect(decodeCharacteristic('2a5b', csc([10, 500]), s).values).toEqual([]);
    expect(metric(decodeCharacteristic('2a5b', csc([10, 500]), s).values, 'speed')).toBe(0);
  });

  it('a counter that jumps back (sensor reset) re-baselines instead of reporting nonsense', () => {
    const s = createDecoderState();
    decodeCharacteristic('2a5b', csc([5000, 1000]), s);
    expect(decodeCharacteristic('2a5b', csc([3, 2024]), s).values).toEqual([]);
    expect(metric(decodeCharacteristic('2a5b', csc([6, 3048]), s).values, 'speed')).toBe(6.315);
  });

  it('keeps devices apart: each state is its own', () => {
    const a = createDecoderState();
    const b = createDecoderState();
    decodeCharacteristic('2a5b', csc([0, 0]), a);
    expect(decodeCharacteristic('2a5b', csc([3, 1024]), b).values).toEqual([]);
  });

  it('a truncated payload leaves the state untouched', () => {
    const s = createDecoderState();
    decodeCharacteristic('2a5b', csc([0, 0]), s);
    expect(() => decodeCharacteristic('2a5b', Buffer.from('0301000000', 'hex'), s)).toThrow(
      DecodeError,
    );
    expect(metric(decodeCharacteristic('2a5b', csc([3, 1024]), s).values, 'speed')).toBe(6.315);
  });
});

function cp(flags: number, power: number, tail: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(flags, 0);
  head.writeInt16LE(power, 2);
  return Buffer.concat([head, tail]);
}

describe('Cycling Power Measurement 0x2A63', () => {
  it('power only', () => {
    expect(decodeCharacteristic('2a63', cp(0, 250, Buffer.alloc(0))).values).toEqual([
      { metric: 'power', value: 250, unit: 'W' },
    ]);
  });

  it('reads every optional field in order (flags 0x1FFF)', () => {
    const t = Buffer.alloc(1 + 2 + 6 + 4 + 4 + 4 + 3 + 2 + 2 + 2);
    let o = 0;
    o = t.writeUInt8(100, o); // pedal power balance 50 %
    o = t.writeUInt16LE(320, o); // accumulated torque 10 N·m
    o = t.writeUInt32LE(1000, o); // wheel revolutions
    o = t.writeUInt16LE(2048, o); // wheel event time (1/2048 s)
    o = t.writeUInt16LE(50, o); // crank revolutions
    o = t.writeUInt16LE(1024, o); // crank event time
    o = t.writeInt16LE(300, o); // max force
    o = t.writeInt16LE(-20, o); // min force
    o = t.writeInt16LE(64, o); // max torque 2 N·m
    o = t.writeInt16LE(-32, o); // min torque -1 N·m
    o = t.writeUIntLE(90 | (270 << 12), o, 3); // extreme angles: max 90°, min 270°
    o = t.writeUInt16LE(10, o); // top dead spot
    o = t.writeUInt16LE(190, o); // bottom dead spot
    t.writeUInt16LE(12, o); // accumulated energy 12 kJ
    const r = decodeCharacteristic('2a63', cp(0x1fff, -5, t));
    expect(r.values).toEqual([
      { metric: 'power', value: -5, unit: 'W' },
      { metric: 'energy_expended', value: 12, unit: 'kJ' },
    ]);
    expect(r.extra).toEqual({
      pedalPowerBalance: 50,
      pedalPowerBalanceReference: 'left',
      accumulatedTorque: 10,
      accumulatedTorqueSource: 'crank',
      wheelRevolutions: 1000,
      lastWheelEventTime: 2048,
      crankRevolutions: 50,
      lastCrankEventTime: 1024,
      extremeForce: { max: 300, min: -20 },
      extremeTorque: { max: 2, min: -1 },
      extremeAngles: { max: 90, min: 270 },
      topDeadSpotAngle: 10,
      bottomDeadSpotAngle: 190,
      offsetCompensation: true,
    });
  });

  it('wheel speed uses 1/2048 s event times; cadence 1/1024 s', () => {
    const s = createDecoderState();
    const data = (revs: number, wt: number, crank: number, ct: number) => {
      const t = Buffer.alloc(10);
      t.writeUInt32LE(revs, 0);
      t.writeUInt16LE(wt, 4);
      t.writeUInt16LE(crank, 6);
      t.writeUInt16LE(ct, 8);
      return cp(0x0030, 200, t);
    };
    decodeCharacteristic('2a63', data(10, 0, 0, 0), s);
    const r = decodeCharacteristic('2a63', data(13, 2048, 1, 1024), s);
    expect(r.values).toEqual([
      { metric: 'power', value: 200, unit: 'W' },
      { metric: 'speed', value: 6.315, unit: 'm/s' },
      { metric: 'cadence', value: 60, unit: 'rpm' },
    ]);
  });

  it('a flag whose field is missing is a truncation naming the field', () => {
    try {
      decodeCharacteristic('2a63', cp(0x0800, 100, Buffer.from([1])));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).message).toMatch(
        /accumulated energy needs 2 bytes but 1 byte left/,
      );
      expect((e as DecodeError).hex).toBe('0008640001');
    }
  });
});
