import { METRICS, type Metric } from '../../../shared/metrics.js';
import type { Device } from '../../../shared/model.js';
import type { EngineContext } from '../context.js';
import type { MqttApi } from '../services.js';
import { metricOf } from './bridge-state.js';
import { discoveryConfig, STATE_FIELDS, type BridgedEntity } from './ha-discovery.js';
import {
  availabilityTopic,
  discoveryTopic,
  eventTopic,
  rrTopic,
  stateTopic,
  statusTopic,
} from './topics.js';

/** A config another gateway overwrote is written again at most this often (views converging). */
const REWRITE_MS = 1000;
const RETAINED = { qos: 1 as const, retain: true, coalesce: true };

interface Published {
  /** The discovery config last written, as JSON (nothing written again while it is the same). */
  config?: string;
  /** What that config was made from (see inputsOf): unchanged inputs, no config rebuilt. */
  inputs?: unknown[];
  online?: boolean;
  /** Unsubscribes the watch on the shared discovery config. */
  unwatch?: () => void;
  /** The shared config last seen names another gateway (or none). */
  foreign?: boolean;
  writtenAt?: number;
  timer?: unknown;
}

export interface ConfigsOptions {
  mqtt: Pick<MqttApi, 'publish' | 'subscribe'>;
  /** This gateway bridges the wearable now (the bridge is on and it is the owner). */
  owned(id: string): boolean;
  /** Several gateways may write the shared config: watch it while owning the wearable. */
  watch: boolean;
  /** The entities the bridge has values for (beyond the registry's), by key. */
  bridged(id: string): ReadonlyMap<string, { metric: Metric }> | undefined;
}

/**
 * The retained topics of the wearables this gateway bridges: the shared device-level discovery
 * config (naming this gateway's state and availability topics) and the availability. While this
 * gateway owns a wearable it watches the shared config: one naming another gateway (one that
 * believed itself owner a moment ago, or a dead owner's, retained) or none at all is replaced
 * with this gateway's, so Home Assistant follows the owner whoever wrote last.
 */
export class WearableConfigs {
  private readonly published = new Map<string, Published>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly o: ConfigsOptions,
  ) {}

  private gw(): string {
    return this.ctx.gatewayId();
  }

  has(id: string): boolean {
    return this.published.has(id);
  }

  /** Config and availability are written on the next write(), whatever was written before. */
  reset(id: string): void {
    const p = this.entry(id);
    p.config = undefined;
    p.inputs = undefined;
    p.online = undefined;
  }

  /** The wearable's config (when what it is made of changed) and availability (when changed). */
  write(d: Device): void {
    const p = this.entry(d.id);
    this.watch(d.id, p);
    const inputs = this.inputsOf(d);
    if (!p.inputs || inputs.some((v, i) => v !== p.inputs![i])) {
      p.inputs = inputs;
      const entities = this.entitiesOf(d);
      const config = JSON.stringify(
        discoveryConfig(d, entities, this.topics(d.id), this.ctx.status().version),
      );
      if ((entities.length || d.eventSources?.length) && p.config !== config) {
        p.config = config;
        p.writtenAt = this.ctx.ports.clock.now();
        this.o.mqtt.publish(discoveryTopic(this.prefix(), d.id), config, RETAINED);
      }
    }
    if (p.online !== d.online) {
      p.online = d.online;
      this.o.mqtt.publish(
        availabilityTopic(this.gw(), d.id),
        d.online ? 'online' : 'offline',
        RETAINED,
      );
    }
  }

  /** Another gateway bridges it now: this one's state and availability are stale, withdrawn. */
  release(id: string): void {
    const p = this.published.get(id);
    if (!p) return;
    this.forget(id, p);
    this.o.mqtt.publish(stateTopic(this.gw(), id), '', RETAINED);
    this.o.mqtt.publish(availabilityTopic(this.gw(), id), '', RETAINED);
  }

  /**
   * A forgotten wearable: every retained topic about it is withdrawn (empty retained messages).
   * The shared config only if this gateway wrote it or owns the wearable: an owner elsewhere
   * keeps bridging it (and writes its config again).
   */
  withdraw(id: string, owned: boolean): void {
    const p = this.published.get(id);
    if (!p) return;
    this.forget(id, p);
    if (p.config !== undefined || owned)
      this.o.mqtt.publish(discoveryTopic(this.prefix(), id), '', RETAINED);
    this.o.mqtt.publish(stateTopic(this.gw(), id), '', RETAINED);
    this.o.mqtt.publish(availabilityTopic(this.gw(), id), '', RETAINED);
  }

  dispose(): void {
    for (const [id, p] of [...this.published]) this.forget(id, p);
  }

  private prefix(): string {
    return this.ctx.settings.get().mqtt.discoveryPrefix;
  }

  private watch(id: string, p: Published): void {
    if (p.unwatch || !this.o.watch) return;
    p.unwatch = this.o.mqtt.subscribe(discoveryTopic(this.prefix(), id), (_t, payload) => {
      let names: unknown;
      try {
        names = (JSON.parse(payload.toString('utf8')) as { state_topic?: unknown }).state_topic;
      } catch {
        names = undefined;
      }
      p.foreign = names !== stateTopic(this.gw(), id);
      if (p.foreign) this.rewriteSoon(id, p);
    });
  }

  /**
   * Writes this gateway's config again, at most once a REWRITE_MS: the retained config a new
   * subscription receives may predate the one just written, whose echo then clears `foreign`.
   */
  private rewriteSoon(id: string, p: Published): void {
    if (p.timer) return;
    const { clock } = this.ctx.ports;
    const wait = Math.max(0, (p.writtenAt ?? -Infinity) + REWRITE_MS - clock.now());
    p.timer = clock.setTimeout(() => {
      p.timer = undefined;
      const d = this.ctx.devices.get(id);
      if (!p.foreign || !d || !this.o.owned(id) || p.unwatch === undefined) return;
      p.config = undefined;
      p.inputs = undefined;
      this.write(d);
    }, wait);
    (p.timer as { unref?: () => void } | null)?.unref?.();
  }

  private forget(id: string, p: Published): void {
    p.unwatch?.();
    p.unwatch = undefined;
    this.ctx.ports.clock.clearTimeout(p.timer);
    this.published.delete(id);
  }

  private entry(id: string): Published {
    let p = this.published.get(id);
    if (!p) this.published.set(id, (p = {}));
    return p;
  }

  /**
   * What the config is made of, cheaply (every reading passes here): arrays the registry replaces
   * when they change are compared by reference, and latest values and bridged states only ever
   * gain entities, so equal counts mean equal sets.
   */
  private inputsOf(d: Device): unknown[] {
    return [
      d.name,
      d.model,
      d.manufacturer,
      d.firmware,
      d.capabilities,
      d.entities,
      Object.keys(d.latest).length,
      this.o.bridged(d.id)?.size ?? 0,
      d.binaryClass,
      d.eventSources,
      this.gw(),
    ];
  }

  private topics(id: string) {
    const gw = this.gw();
    return {
      gateway: gw,
      state: stateTopic(gw, id),
      status: statusTopic(gw),
      availability: availabilityTopic(gw, id),
      rr: rrTopic(gw, id),
      event: (source: string) => eventTopic(gw, id, source),
    };
  }

  /**
   * The device's entities that have a metric: those it lists, every entity it has values for, and
   * a capability no entity measures yet (announced before its first value). Sorted by key, so the
   * config is stable.
   */
  private entitiesOf(d: Device): BridgedEntity[] {
    const out = new Map<string, BridgedEntity>();
    const add = (key: string, metric = metricOf(d, key)) => {
      if (!metric || !(metric in METRICS) || STATE_FIELDS.has(key) || out.has(key)) return;
      const e = d.entities?.find((x) => x.key === key);
      if (e?.control) return;
      out.set(key, {
        key,
        metric,
        name: e?.name,
        category: e?.category,
        binaryClass: e?.binaryClass,
      });
    };
    for (const e of d.entities ?? []) add(e.key, e.metric);
    for (const [key, v] of Object.entries(d.latest)) add(key, v?.metric);
    for (const [key, v] of this.o.bridged(d.id) ?? []) add(key, v.metric);
    const measured = new Set([...out.values()].map((e) => e.metric));
    for (const m of d.capabilities) if (!measured.has(m)) add(m, m);
    const list = [...out.values()];
    // The main entity of a metric no entity is keyed by keeps the metric's id in Home Assistant.
    for (const m of measured) {
      if (out.has(m)) continue;
      const of = list.filter((e) => e.metric === m);
      (of.find((e) => (e.category ?? 'primary') === 'primary') ?? of[0])!.id = m;
    }
    return list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
