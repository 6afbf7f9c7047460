import type { Rule } from '../../../shared/contract/index.js';
import { isMetricEntity } from '../../../shared/entities.js';
import type { Metric } from '../../../shared/metrics.js';
import type { Device, DeviceEvent, Reading } from '../../../shared/model.js';
import { inWindow } from './time-window.js';

/** A rule that fired for one device, with what made it fire. */
export interface Firing {
  rule: Rule;
  deviceId: string;
  metric?: Metric;
  /** The entity whose value made it fire, where it is not the metric's own. */
  entity?: string;
  value?: number | null;
  /** Binary rules: the new state. */
  state?: boolean;
  /** Event rules: what happened, on which control ('double_press' on 'button_1'). */
  event?: { source: string; event: string };
  ts: number;
}

export interface EvaluatorOptions {
  /** Readings older than this (stored records synced late) are history, not a reason to alert. */
  staleMs?: number;
}

/** Per rule and device: what the condition needs to remember between events. */
interface Track {
  /** threshold: since when the condition has held; offline: since when the device is offline. */
  since: number | null;
  /** battery and offline fire once per episode; re-armed when the condition clears. */
  armed: boolean;
  /** binary: the last known state. */
  last?: boolean;
  lastValue?: number | null;
  /** threshold: the entity the last value came from. */
  entity?: string;
  lastFired: number | null;
}

/**
 * The conditions, as pure logic over events and times (no engine, no timers), so every rule kind is
 * tested with synthetic streams. Thresholds repeat while the condition holds (limited by the
 * cooldown); battery and offline fire once per episode; binary rules fire on a change.
 */
export class RuleEvaluator {
  private rules: Rule[] = [];
  /** Enabled rules by the reading metric they look at, so a reading visits only its rules. */
  private byMetric = new Map<string, Rule[]>();
  private readonly tracks = new Map<string, Track>();
  private readonly staleMs: number;

  constructor(opts: EvaluatorOptions = {}) {
    this.staleMs = opts.staleMs ?? 10 * 60_000;
  }

  /** Replaces the rule set; a rule whose definition did not change keeps its state and cooldown. */
  setRules(rules: Rule[]): void {
    const before = new Map(this.rules.map((r) => [r.id, JSON.stringify(r)]));
    const keep = new Set(
      rules.filter((r) => before.get(r.id) === JSON.stringify(r)).map((r) => r.id),
    );
    for (const key of [...this.tracks.keys()])
      if (!keep.has(key.slice(0, key.indexOf('|')))) this.tracks.delete(key);
    this.rules = rules;
    this.byMetric = new Map();
    for (const r of rules) {
      if (!r.enabled) continue;
      // A binary rule naming another entity may see it in readings too (a BTHome tamper flag).
      const m =
        r.kind === 'threshold'
          ? r.metric
          : r.kind === 'battery'
            ? 'battery'
            : r.kind === 'binary'
              ? 'state'
              : undefined;
      if (m) this.byMetric.set(m, [...(this.byMetric.get(m) ?? []), r]);
    }
  }

  /**
   * Readings against the rules on their metric. A rule on a metric follows the device's entity
   * for that metric (see follows), or the entity it names; `device` tells a device's entities.
   */
  onReadings(
    readings: Reading[],
    now: number,
    device: (id: string) => Device | undefined = () => undefined,
  ): Firing[] {
    const out: Firing[] = [];
    const sorted = readings.length > 1 ? [...readings].sort((a, b) => a.ts - b.ts) : readings;
    for (const r of sorted) {
      if (r.ts < now - this.staleMs) continue;
      const rules = this.byMetric.get(r.metric);
      if (!rules) continue;
      const usable = r.value !== null && (r.status ?? 'ok') === 'ok';
      const key = r.entity ?? r.metric;
      const d = device(r.deviceId);
      for (const rule of rules) {
        if (rule.deviceId && rule.deviceId !== r.deviceId) continue;
        if (rule.kind === 'threshold' && rule.metric === r.metric && usable) {
          if (rule.entity === undefined ? follows(r, d) : rule.entity === key)
            this.threshold(rule, r.deviceId, r.value!, now, out, key);
        } else if (rule.kind === 'battery' && r.metric === 'battery' && usable) {
          if (follows(r, d)) this.battery(rule, r.deviceId, r.value!, now, out);
        } else if (rule.kind === 'binary' && r.metric === 'state' && usable) {
          // A named entity the device keeps a state for is judged by that state (onDevice).
          const named = rule.entity !== 'state';
          if (named ? rule.entity === key && !Object.hasOwn(d?.state ?? {}, key) : follows(r, d))
            this.binary(rule, r.deviceId, r.value! !== 0, now, out, r.value);
        }
      }
    }
    return out;
  }

  /** A device changed (state of its entities, battery): binary and battery rules. */
  onDevice(d: Device, now: number): Firing[] {
    const out: Firing[] = [];
    for (const rule of this.rules) {
      if (!rule.enabled || (rule.deviceId && rule.deviceId !== d.id)) continue;
      if (rule.kind === 'binary' && d.state && Object.hasOwn(d.state, rule.entity)) {
        const on = toBinary(d.state[rule.entity], rule.entity);
        if (on !== undefined) this.binary(rule, d.id, on, now, out);
      } else if (rule.kind === 'battery' && typeof d.battery === 'number') {
        // Readings already fed this value; only a change that came another way counts.
        const t = this.track(rule, d.id);
        if (t.lastValue !== d.battery) this.battery(rule, d.id, d.battery, now, out);
      }
    }
    return out;
  }

  /** A button pressed or a dimmer turned: the event rules that name it (or any). */
  onEvent(e: DeviceEvent, now: number): Firing[] {
    const out: Firing[] = [];
    if (e.ts < now - this.staleMs) return out;
    for (const rule of this.rules) {
      if (!rule.enabled || rule.kind !== 'event' || rule.deviceId !== e.deviceId) continue;
      if (rule.source !== undefined && rule.source !== e.source) continue;
      if (rule.event !== undefined && rule.event !== e.event) continue;
      this.fire(rule, e.deviceId, now, out, { event: { source: e.source, event: e.event } });
    }
    return out;
  }

  /** The clock moved: thresholds held long enough, devices offline long enough. */
  onTick(now: number, device: (id: string) => Device | undefined): Firing[] {
    const out: Firing[] = [];
    for (const rule of this.rules) {
      if (!rule.enabled) continue;
      if (rule.kind === 'offline') {
        const d = device(rule.deviceId);
        if (!d) continue; // never seen: not offline, unknown
        const t = this.track(rule, d.id);
        if (d.online) {
          t.since = null;
          t.armed = true;
          continue;
        }
        t.since ??= now;
        if (t.armed && now - t.since >= rule.forMin * 60_000) {
          if (this.fire(rule, d.id, now, out, {})) t.armed = false;
        }
      } else if (rule.kind === 'threshold' && rule.forSec > 0) {
        for (const [key, t] of this.tracks) {
          if (!key.startsWith(`${rule.id}|`) || t.since === null) continue;
          const id = key.slice(rule.id.length + 1);
          // A device that went away is not known to still be above the line.
          if (device(id)?.online === false) continue;
          if (now - t.since >= rule.forSec * 1000) {
            this.fire(rule, id, now, out, {
              metric: rule.metric,
              entity: t.entity,
              value: t.lastValue,
            });
            t.since = now;
          }
        }
      }
    }
    return out;
  }

  private threshold(
    rule: Extract<Rule, { kind: 'threshold' }>,
    deviceId: string,
    v: number,
    now: number,
    out: Firing[],
    entity: string,
  ): void {
    const t = this.track(rule, deviceId);
    t.lastValue = v;
    t.entity = entity;
    const holds = rule.op === 'above' ? v > rule.value : v < rule.value;
    if (!holds) {
      t.since = null;
      return;
    }
    t.since ??= now;
    if (now - t.since < rule.forSec * 1000) return;
    // Held long enough: fire, then the hold starts over (a reminder needs another full duration).
    this.fire(rule, deviceId, now, out, { metric: rule.metric, entity, value: v });
    t.since = now;
  }

  private battery(
    rule: Extract<Rule, { kind: 'battery' }>,
    deviceId: string,
    v: number,
    now: number,
    out: Firing[],
  ): void {
    const t = this.track(rule, deviceId);
    t.lastValue = v;
    if (v >= rule.belowPct) {
      t.armed = true;
      return;
    }
    if (t.armed && this.fire(rule, deviceId, now, out, { metric: 'battery', value: v }))
      t.armed = false;
  }

  private binary(
    rule: Extract<Rule, { kind: 'binary' }>,
    deviceId: string,
    on: boolean,
    now: number,
    out: Firing[],
    value?: number | null,
  ): void {
    const t = this.track(rule, deviceId);
    const prev = t.last;
    t.last = on;
    // The first state seen is where things are, not a change.
    if (prev === undefined || prev === on) return;
    if (rule.to === 'any' || (rule.to === 'on') === on) {
      this.fire(rule, deviceId, now, out, {
        metric: 'state',
        value: value ?? (on ? 1 : 0),
        state: on,
      });
    }
  }

  /** Fires unless outside the rule's window or within its cooldown; returns whether it fired. */
  private fire(
    rule: Rule,
    deviceId: string,
    now: number,
    out: Firing[],
    what: Pick<Firing, 'metric' | 'entity' | 'value' | 'state' | 'event'>,
  ): boolean {
    if (!inWindow(rule.window, now)) return false;
    const t = this.track(rule, deviceId);
    if (t.lastFired !== null && now - t.lastFired < rule.cooldownSec * 1000) return false;
    t.lastFired = now;
    out.push({ rule, deviceId, ts: now, ...what });
    return true;
  }

  private track(rule: Rule, deviceId: string): Track {
    const key = `${rule.id}|${deviceId}`;
    let t = this.tracks.get(key);
    if (!t) {
      t = { since: null, armed: true, lastFired: null };
      this.tracks.set(key, t);
    }
    return t;
  }
}

/** Whether a reading is its device's value of its metric, the one a rule on the metric means. */
const follows = (r: Reading, d: Device | undefined): boolean =>
  isMetricEntity(d?.entities, r.entity ?? r.metric, r.metric);

const ON = new Set(['on', 'open', 'opened', 'true', '1', 'detected', 'occupied', 'wet', 'motion']);
const OFF = new Set(['off', 'closed', 'false', '0', 'clear', 'not_detected', 'unoccupied', 'dry']);

/**
 * A binary sensor's state as on/off (on = open, detected, switched on). Zigbee2MQTT's `contact` is
 * true when the door is closed, so that one key is read the other way round when it is the raw
 * boolean. The smart-home dialects keep an entity's state as `{ state: 'ON' | 'OFF' }`, already in
 * the canonical meaning (ON = open, detected): that is read as it is.
 */
export function toBinary(v: unknown, entity = 'state'): boolean | undefined {
  if (typeof v === 'object' && v !== null && 'state' in v) v = (v as { state: unknown }).state;
  let on: boolean | undefined;
  if (typeof v === 'boolean') on = v;
  else if (typeof v === 'number') on = v !== 0;
  else if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    on = ON.has(s) ? true : OFF.has(s) ? false : undefined;
  }
  if (on === undefined) return undefined;
  return entity === 'contact' && typeof v === 'boolean' ? !on : on;
}
