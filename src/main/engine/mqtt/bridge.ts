import { isMetric, METRICS, type Metric } from '../../../shared/metrics.js';
import { BINARY_CLASS_WORDS } from '../../../shared/binary-classes.js';
import { CONTROL_EVENTS } from '../../../shared/control-events.js';
import type { Device, DeviceEvent, Reading } from '../../../shared/model.js';
import type { EngineContext, EngineService } from '../context.js';
import type { BleApi, MqttApi } from '../services.js';
import { sanitiseId, stateTopic, statusTopic } from './topics.js';

/** Home Assistant's sensor vocabulary for our metrics (device_class, state_class). */
const HA_SENSOR: Partial<Record<Metric, { dc?: string; sc?: string; icon?: string }>> = {
  heart_rate: { sc: 'measurement', icon: 'mdi:heart-pulse' },
  rr_interval: { dc: 'duration', sc: 'measurement' },
  energy_expended: { sc: 'total_increasing', icon: 'mdi:fire' },
  temperature: { dc: 'temperature', sc: 'measurement' },
  humidity: { dc: 'humidity', sc: 'measurement' },
  pressure: { dc: 'atmospheric_pressure', sc: 'measurement' },
  illuminance: { dc: 'illuminance', sc: 'measurement' },
  weight: { dc: 'weight', sc: 'measurement' },
  height: { dc: 'distance', sc: 'measurement' },
  bmi: { sc: 'measurement' },
  spo2: { sc: 'measurement', icon: 'mdi:water-percent' },
  pulse: { sc: 'measurement', icon: 'mdi:heart-pulse' },
  perfusion_index: { sc: 'measurement' },
  systolic: { sc: 'measurement' },
  diastolic: { sc: 'measurement' },
  mean_arterial_pressure: { sc: 'measurement' },
  battery: { dc: 'battery', sc: 'measurement' },
  voltage: { dc: 'voltage', sc: 'measurement' },
  current: { dc: 'current', sc: 'measurement' },
  energy: { dc: 'energy', sc: 'total_increasing' },
  steps: { sc: 'total_increasing', icon: 'mdi:walk' },
  distance: { dc: 'distance', sc: 'total_increasing' },
  speed: { dc: 'speed', sc: 'measurement' },
  cadence: { sc: 'measurement' },
  stride_length: { dc: 'distance', sc: 'measurement' },
  power: { dc: 'power', sc: 'measurement' },
  co2: { dc: 'carbon_dioxide', sc: 'measurement' },
  tvoc: { dc: 'volatile_organic_compounds', sc: 'measurement' },
  pm25: { dc: 'pm25', sc: 'measurement' },
  pm10: { dc: 'pm10', sc: 'measurement' },
  moisture: { dc: 'moisture', sc: 'measurement' },
  rssi: { dc: 'signal_strength', sc: 'measurement' },
  glucose: { sc: 'measurement' },
};

/**
 * The binary_sensor device class for what a BTHome binary sensor senses: the same word when it is
 * one of Home Assistant's classes (BINARY_CLASS_WORDS), but for these.
 */
const HA_BINARY_CLASS: Record<string, string | undefined> = {
  battery_low: 'battery',
  generic_boolean: undefined,
};
const haBinaryClass = (c: string | undefined): string | undefined => {
  if (c === undefined) return undefined;
  if (Object.hasOwn(HA_BINARY_CLASS, c)) return HA_BINARY_CLASS[c];
  return Object.hasOwn(BINARY_CLASS_WORDS, c) ? c : undefined;
};

/** Units Home Assistant spells differently from our canonical list. */
const HA_UNIT: Partial<Record<string, string>> = { steps: 'steps', 'mmol/L': 'mmol/L' };

export const isWearable = (d: Device): boolean =>
  d.transport === 'ble' && (d.source === 'ble' || d.source === 'bthome');

export const uniqueId = (deviceId: string, metric: Metric): string =>
  `homebeat_${sanitiseId(deviceId)}_${metric}`;

interface DescribedAs {
  name: string;
  model?: string;
  manufacturer?: string;
  firmware?: string;
  capabilities: Metric[];
  latest: number;
  states: number;
  binaryClass?: string;
  eventSources?: string[];
}

interface DeviceState {
  values: Partial<Record<Metric, number | null>>;
  timestamps: Partial<Record<Metric, number>>;
}

/**
 * The bridge out: every local BLE wearable becomes a Home Assistant device (one device-level
 * discovery message, retained) and its latest values a retained JSON state that coalesces in the
 * outbox. Unique ids depend only on the BLE address and metric, so two gateways that see the same
 * wearable describe the same Home Assistant entities (the last config written names its state
 * topic; both gateways publish the same readings).
 */
export interface BridgeOptions {
  mqtt: Pick<MqttApi, 'publish' | 'onConnected' | 'batch'> & EngineService;
  /** Button presses and dimmer turns come from here; without it, none are bridged. */
  ble?: BleApi;
}

export class WearableBridge implements EngineService {
  readonly name = 'bridge';
  readonly dependsOn: readonly EngineService[];
  private readonly mqtt: BridgeOptions['mqtt'];
  private readonly ble: BleApi | undefined;
  private readonly discovered = new Map<string, string>();
  /** What each device's discovery config was last made from (see inputsOf). */
  private readonly described = new Map<string, DescribedAs>();
  private readonly states = new Map<string, DeviceState>();
  private readonly online = new Map<string, boolean>();
  private readonly offs: (() => void)[] = [];
  /** Wearables with new values whose state is published at the end of this turn (flush). */
  private readonly dirty = new Set<string>();
  private flushScheduled = false;

  constructor(
    private readonly ctx: EngineContext,
    opts: BridgeOptions,
  ) {
    this.mqtt = opts.mqtt;
    this.ble = opts.ble;
    this.dependsOn = opts.ble ? [opts.mqtt, opts.ble] : [opts.mqtt];
  }

  start(): void {
    this.offs.push(
      this.ctx.readings.subscribe((r) => this.onReadings(r)),
      this.ctx.devices.onChange((d) => d.upserted.forEach((dev) => this.onDevice(dev))),
      this.mqtt.onConnected(() => this.republishAll()),
    );
    if (this.ble) this.offs.push(this.ble.onDeviceEvent((e) => this.onEvent(e)));
  }

  /**
   * A button press or dimmer turn: on its control's event topic, never coalesced or retained. The
   * discovery naming the control went out already: the BLE service records a new control on the
   * device (a registry change, seen by onDevice at once) before it emits the event.
   */
  private onEvent(e: DeviceEvent): void {
    if (!this.enabled() || e.gateway !== this.ctx.gatewayId()) return;
    const dev = this.ctx.devices.get(e.deviceId);
    if (!dev || !isWearable(dev)) return;
    const payload: Record<string, unknown> = { event_type: e.event, ts: e.ts };
    if (e.steps !== undefined) payload.steps = e.steps;
    this.mqtt.publish(this.eventTopic(dev.id, e.source), JSON.stringify(payload), { qos: 1 });
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.flush(); // values that came in this turn still reach the outbox
  }

  private enabled(): boolean {
    return this.ctx.settings.get().mqtt.bridgeWearables;
  }

  /** Discovery and state again for every wearable (after a connect or Home Assistant's restart). */
  republishAll(): void {
    if (!this.enabled()) return;
    this.discovered.clear();
    this.online.clear();
    for (const d of this.ctx.devices.list()) {
      if (!isWearable(d)) continue;
      this.onDevice(d);
      if (this.states.has(d.id) || Object.keys(d.latest).length) this.publishState(d.id);
    }
  }

  private onDevice(d: Device): void {
    if (!this.enabled() || !isWearable(d)) return;
    if (this.describedAsBefore(d)) {
      // Nothing the discovery config is made of changed (the usual case: a new reading).
    } else {
      const metrics = this.metricsOf(d);
      if (!metrics.length && !d.eventSources?.length) return;
      const signature = JSON.stringify([
        d.name,
        d.model,
        d.manufacturer,
        d.firmware,
        metrics,
        d.binaryClass,
        d.eventSources,
      ]);
      if (this.discovered.get(d.id) !== signature) {
        this.discovered.set(d.id, signature);
        this.publishDiscovery(d, metrics);
      }
      this.described.set(d.id, this.inputsOf(d));
    }
    if (this.online.get(d.id) !== d.online) {
      this.online.set(d.id, d.online);
      this.mqtt.publish(this.availabilityTopic(d.id), d.online ? 'online' : 'offline', {
        qos: 1,
        retain: true,
        coalesce: true,
      });
    }
  }

  private onReadings(readings: Reading[]): void {
    if (!this.enabled()) return;
    const own = this.ctx.gatewayId();
    const touched = new Set<string>();
    for (const r of readings) {
      // Readings relayed from another gateway are that gateway's to publish.
      if (r.gateway && r.gateway !== own) continue;
      const dev = this.ctx.devices.get(r.deviceId);
      if (!dev || !isWearable(dev)) continue;
      const st = this.stateOf(dev);
      const prevTs = st.timestamps[r.metric];
      if (prevTs !== undefined && prevTs > r.ts) continue;
      st.values[r.metric] = r.value;
      st.timestamps[r.metric] = r.ts;
      touched.add(dev.id);
    }
    if (!touched.size) return;
    // The wearables' readings arrive in separate callbacks of one radio tick (a strap's
    // notification, a BTHome advertisement, ...): their states are published together at the
    // end of the turn, in one outbox transaction, instead of one disk commit each. A state is
    // the device's latest values, so this changes no value, only when the row is written (<1 ms).
    for (const id of touched) this.dirty.add(id);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.dirty.size) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const publishAll = () => {
      for (const id of ids) {
        const dev = this.ctx.devices.get(id);
        if (dev) this.onDevice(dev);
        this.publishState(id);
      }
    };
    this.mqtt.batch(publishAll);
  }

  private stateOf(d: Device): DeviceState {
    let st = this.states.get(d.id);
    if (!st) {
      st = { values: {}, timestamps: {} };
      for (const [m, v] of Object.entries(d.latest) as [Metric, Device['latest'][Metric]][]) {
        if (!v) continue;
        st.values[m] = v.value;
        st.timestamps[m] = v.ts;
      }
      this.states.set(d.id, st);
    }
    return st;
  }

  private publishState(deviceId: string): void {
    const dev = this.ctx.devices.get(deviceId);
    if (!dev) return;
    const st = this.stateOf(dev);
    const ts = Math.max(0, ...Object.values(st.timestamps));
    const payload = {
      gateway: this.ctx.gatewayId(),
      device: dev.id,
      name: dev.name,
      kind: dev.kind,
      ts,
      time: new Date(ts).toISOString(),
      ...st.values,
      timestamps: st.timestamps,
    };
    this.mqtt.publish(stateTopic(this.ctx.gatewayId(), dev.id), JSON.stringify(payload), {
      qos: 1,
      retain: true,
      coalesce: true,
    });
  }

  /**
   * The fields the discovery config is built from, cheaply: capabilities is replaced (not mutated)
   * when it changes, and the latest values and bridged states only ever gain metrics, so equal
   * counts mean equal sets.
   */
  private inputsOf(d: Device): DescribedAs {
    return {
      name: d.name,
      model: d.model,
      manufacturer: d.manufacturer,
      firmware: d.firmware,
      capabilities: d.capabilities,
      latest: Object.keys(d.latest).length,
      states: Object.keys(this.states.get(d.id)?.values ?? {}).length,
      binaryClass: d.binaryClass,
      eventSources: d.eventSources,
    };
  }

  private describedAsBefore(d: Device): boolean {
    const was = this.described.get(d.id);
    if (!was || !this.discovered.has(d.id)) return false;
    const now = this.inputsOf(d);
    return (Object.keys(now) as (keyof DescribedAs)[]).every((k) => now[k] === was[k]);
  }

  private metricsOf(d: Device): Metric[] {
    const set = new Set<Metric>(d.capabilities);
    for (const m of Object.keys(d.latest) as Metric[]) set.add(m);
    for (const m of Object.keys(this.states.get(d.id)?.values ?? {}) as Metric[]) set.add(m);
    return [...set].filter((m) => isMetric(m)).sort();
  }

  private eventTopic(deviceId: string, source: string): string {
    return `homebeat/${this.ctx.gatewayId()}/${sanitiseId(deviceId)}/${sanitiseId(source)}/event`;
  }

  private availabilityTopic(deviceId: string): string {
    return `homebeat/${this.ctx.gatewayId()}/${sanitiseId(deviceId)}/availability`;
  }

  private publishDiscovery(d: Device, metrics: Metric[]): void {
    const gw = this.ctx.gatewayId();
    const san = sanitiseId(d.id);
    const components: Record<string, Record<string, unknown>> = {};
    for (const m of metrics) {
      const ha = HA_SENSOR[m] ?? {};
      const unit = METRICS[m].unit;
      const c: Record<string, unknown> = {
        platform: 'sensor',
        unique_id: uniqueId(d.id, m),
        object_id: `${san}_${m}`,
        name: METRICS[m].label,
        value_template: `{{ value_json.${m} }}`,
      };
      if (unit) c.unit_of_measurement = HA_UNIT[unit] ?? unit;
      if (ha.dc) c.device_class = ha.dc;
      if (ha.sc) c.state_class = ha.sc;
      if (ha.icon) c.icon = ha.icon;
      if (m === 'battery' || m === 'rssi') c.entity_category = 'diagnostic';
      if (m === 'state') {
        // A binary state is a binary_sensor in Home Assistant, not a number.
        c.platform = 'binary_sensor';
        c.payload_on = '1';
        c.payload_off = '0';
        const dc = haBinaryClass(d.binaryClass);
        if (dc) c.device_class = dc;
        delete c.unit_of_measurement;
        delete c.state_class;
      }
      components[`${san}_${m}`] = c;
    }
    for (const source of d.eventSources ?? []) {
      const [type = '', n = ''] = source.split('_');
      if (type !== 'button' && type !== 'dimmer') continue;
      const types = CONTROL_EVENTS[type];
      const c: Record<string, unknown> = {
        platform: 'event',
        unique_id: `homebeat_${san}_${sanitiseId(source)}`,
        object_id: `${san}_${sanitiseId(source)}`,
        name: `${type === 'button' ? 'Button' : 'Dimmer'} ${n}`,
        state_topic: this.eventTopic(d.id, source),
        event_types: types,
      };
      if (type === 'button') c.device_class = 'button';
      components[`${san}_${sanitiseId(source)}`] = c;
    }
    const device: Record<string, unknown> = {
      identifiers: [`homebeat_${san}`],
      connections: [['bluetooth', d.id]],
      name: d.name || d.id,
      via_device: `homebeat_gateway_${gw}`,
    };
    if (d.manufacturer) device.manufacturer = d.manufacturer;
    if (d.model) device.model = d.model;
    if (d.firmware) device.sw_version = d.firmware;
    const config = {
      device,
      origin: { name: 'Homebeat', sw_version: this.ctx.status().version },
      components,
      state_topic: stateTopic(gw, d.id),
      availability: [{ topic: statusTopic(gw) }, { topic: this.availabilityTopic(d.id) }],
      availability_mode: 'all',
      qos: 1,
    };
    const prefix = this.ctx.settings.get().mqtt.discoveryPrefix;
    this.mqtt.publish(`${prefix}/device/homebeat_${san}/config`, JSON.stringify(config), {
      qos: 1,
      retain: true,
      coalesce: true,
    });
  }
}
