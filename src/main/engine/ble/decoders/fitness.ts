import { Reader } from './reader.js';
import type { DecodeResult, DecodedValue, DecoderState, RevolutionSample } from './types.js';
import { reading, round } from './values.js';

/*
 * Running Speed and Cadence 0x2A53, Cycling Speed and Cadence 0x2A5B and Cycling Power 0x2A63
 * (RSCS 1.0, CSCS 1.0, CPS 1.1; GSS §3.204, §3.58, §3.65). CSC and CP carry cumulative counters
 * and event times; speed and cadence are differences between two notifications of one device.
 */

export const DEFAULT_WHEEL_CIRCUMFERENCE_M = 2.105;

/** Notifications in a row without a new wheel/crank event before we report 0 (stopped). */
const STOPPED_AFTER = 3;
const MAX_SPEED_MS = 40; // 144 km/h: anything faster is a glitch between two samples.
const MAX_CADENCE_RPM = 250;

export function createDecoderState(opts?: { wheelCircumferenceM?: number }): DecoderState {
  const c = opts?.wheelCircumferenceM;
  const valid = typeof c === 'number' && Number.isFinite(c) && c > 0.1 && c < 10;
  return { wheelCircumferenceM: valid ? c : DEFAULT_WHEEL_CIRCUMFERENCE_M, csc: {}, cp: {} };
}

type Rate = { perSecond: number } | { stopped: true } | null;

/**
 * Revolutions per second since the previous sample, with wrap-around of the counter (modulo
 * `revMod`) and of the u16 event time (64 s at 1/1024 s, 32 s at 1/2048 s).
 */
function rate(
  slot: { wheel?: RevolutionSample; crank?: RevolutionSample },
  key: 'wheel' | 'crank',
  revolutions: number,
  eventTime: number,
  revMod: number,
  ticksPerSecond: number,
): Rate {
  const prev = slot[key];
  const next: RevolutionSample = { revolutions, eventTime, unchanged: 0 };
  slot[key] = next;
  if (!prev) return null;
  const dRevs = (revolutions - prev.revolutions + revMod) % revMod;
  const dTicks = (eventTime - prev.eventTime + 0x10000) % 0x10000;
  if (dTicks === 0) {
    if (dRevs !== 0) return null; // new revolutions without a new event time: inconsistent
    next.unchanged = prev.unchanged + 1;
    return next.unchanged >= STOPPED_AFTER ? { stopped: true } : null;
  }
  // A counter that went backwards (sensor reset) would look like a huge forward jump.
  if (dRevs > revMod / 2) return null;
  return { perSecond: dRevs / (dTicks / ticksPerSecond) };
}

function derived(
  state: DecoderState | undefined,
  slot: 'csc' | 'cp',
  values: DecodedValue[],
  extra: Record<string, unknown>,
  wheel: { revolutions: number; eventTime: number; ticksPerSecond: number } | null,
  crank: { revolutions: number; eventTime: number } | null,
): void {
  if (!state) return;
  const s = state[slot];
  if (wheel) {
    const w = rate(s, 'wheel', wheel.revolutions, wheel.eventTime, 2 ** 32, wheel.ticksPerSecond);
    if (w) {
      const speed = 'stopped' in w ? 0 : w.perSecond * state.wheelCircumferenceM;
      if (speed <= MAX_SPEED_MS) values.push(reading('speed', round(speed, 3)));
      else extra.discarded = [...((extra.discarded as string[]) ?? []), `speed ${speed} m/s`];
    }
  }
  if (crank) {
    const c = rate(s, 'crank', crank.revolutions, crank.eventTime, 0x10000, 1024);
    if (c) {
      const rpm = 'stopped' in c ? 0 : c.perSecond * 60;
      if (rpm <= MAX_CADENCE_RPM) values.push(reading('cadence', round(rpm, 2)));
      else extra.discarded = [...((extra.discarded as string[]) ?? []), `cadence ${rpm} rpm`];
    }
  }
}

/** RSC Measurement 0x2A53. */
export function decodeRsc(data: Buffer): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const speed = r.u16('instantaneous speed') / 256;
  const cadence = r.u8('instantaneous cadence');
  const values = [reading('speed', round(speed, 4)), reading('cadence', cadence)];
  if (flags & 0x01) values.push(reading('stride_length', r.u16('stride length') / 100));
  if (flags & 0x02) values.push(reading('distance', round(r.u32('total distance') / 10, 1)));
  return { values, extra: { running: (flags & 0x04) !== 0 } };
}

/** CSC Measurement 0x2A5B: wheel data (u32 revs, u16 time) and crank data (u16, u16), 1/1024 s. */
export function decodeCsc(data: Buffer, state: DecoderState | undefined): DecodeResult {
  const r = new Reader(data);
  const flags = r.u8('flags');
  const extra: Record<string, unknown> = {};
  const wheel = flags & 0x01 ? readWheel(r, extra, 1024) : null;
  const crank = flags & 0x02 ? readCrank(r, extra) : null;
  const values: DecodedValue[] = [];
  derived(state, 'csc', values, extra, wheel, crank);
  return { values, extra };
}

/** Cumulative wheel revolutions (u32) and last wheel event time (u16), as CSC and Cycling Power lay them out. */
function readWheel(r: Reader, extra: Record<string, unknown>, ticksPerSecond: 1024 | 2048) {
  const revolutions = r.u32('cumulative wheel revolutions');
  const eventTime = r.u16('last wheel event time');
  extra.wheelRevolutions = revolutions;
  extra.lastWheelEventTime = eventTime;
  return { revolutions, eventTime, ticksPerSecond };
}

/** Cumulative crank revolutions (u16) and last crank event time (u16, 1/1024 s). */
function readCrank(r: Reader, extra: Record<string, unknown>) {
  const revolutions = r.u16('cumulative crank revolutions');
  const eventTime = r.u16('last crank event time');
  extra.crankRevolutions = revolutions;
  extra.lastCrankEventTime = eventTime;
  return { revolutions, eventTime };
}

/** Cycling Power Measurement 0x2A63: 16-bit flags; every optional field is read or skipped in order. */
export function decodeCyclingPower(data: Buffer, state: DecoderState | undefined): DecodeResult {
  const r = new Reader(data);
  const flags = r.u16('flags');
  const power = r.s16('instantaneous power');
  const values: DecodedValue[] = [reading('power', power)];
  const extra: Record<string, unknown> = {};
  if (flags & 0x0001) {
    extra.pedalPowerBalance = r.u8('pedal power balance') / 2; // 1/2 %
    extra.pedalPowerBalanceReference = flags & 0x0002 ? 'left' : 'unknown';
  }
  if (flags & 0x0004) {
    extra.accumulatedTorque = r.u16('accumulated torque') / 32; // 1/32 N·m
    extra.accumulatedTorqueSource = flags & 0x0008 ? 'crank' : 'wheel';
  }
  // Wheel event times are in 1/2048 s here, unlike CSC's 1/1024 s.
  const wheel = flags & 0x0010 ? readWheel(r, extra, 2048) : null;
  const crank = flags & 0x0020 ? readCrank(r, extra) : null;
  if (flags & 0x0040) {
    const max = r.s16('maximum force magnitude');
    extra.extremeForce = { max, min: r.s16('minimum force magnitude') }; // N
  }
  if (flags & 0x0080) {
    const max = r.s16('maximum torque magnitude') / 32;
    extra.extremeTorque = { max, min: r.s16('minimum torque magnitude') / 32 };
  }
  if (flags & 0x0100) {
    const packed = r.u24('extreme angles'); // two u12: maximum in the low bits, then minimum
    extra.extremeAngles = { max: packed & 0x0fff, min: packed >> 12 };
  }
  if (flags & 0x0200) extra.topDeadSpotAngle = r.u16('top dead spot angle');
  if (flags & 0x0400) extra.bottomDeadSpotAngle = r.u16('bottom dead spot angle');
  if (flags & 0x0800) values.push(reading('energy_expended', r.u16('accumulated energy')));
  if (flags & 0x1000) extra.offsetCompensation = true;
  derived(state, 'cp', values, extra, wheel, crank);
  return { values, extra };
}
