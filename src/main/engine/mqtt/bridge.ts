import type { Device, DeviceEvent, Reading } from '../../../shared/model.js';
import type { EngineContext, EngineService } from '../context.js';
import type { BleApi, MqttApi } from '../services.js';
import { WearableConfigs } from './bridge-config.js';
import { WearableState } from './bridge-state.js';
import { isWearable, type OwnersApi } from './owners.js';
import { eventTopic, rrTopic, stateTopic } from './topics.js';

export { isWearable } from './owners.js';
export { uniqueId } from './ha-discovery.js';

/**
 * The bridge out: every local BLE wearable becomes a Home Assistant device (one device-level
 * discovery message, retained), one entity per entity of the device, and its latest values a
 * retained JSON state that coalesces in the outbox. With several gateways on one broker only the
 * wearable's elected owner (owners.ts) publishes it: it writes the shared discovery config naming
 * its own state and availability topics, writes it again when it becomes owner (the handover) or
 * when it sees another gateway's config there, and a gateway that stops being owner withdraws its
 * state and availability. A forgotten wearable's retained topics are all withdrawn.
 */
export interface BridgeOptions {
  mqtt: Pick<MqttApi, 'publish' | 'subscribe' | 'onConnected' | 'batch'> & EngineService;
  /** Button presses and dimmer turns come from here; without it, none are bridged. */
  ble?: BleApi;
  /** Who bridges which wearable; without it this gateway bridges all of its own (one gateway). */
  owners?: OwnersApi;
}

export class WearableBridge implements EngineService {
  readonly name = 'bridge';
  readonly dependsOn: readonly EngineService[];
  private readonly mqtt: BridgeOptions['mqtt'];
  private readonly ble: BleApi | undefined;
  private readonly owners: OwnersApi | undefined;
  private readonly states = new Map<string, WearableState>();
  /** Discovery configs and availability of the wearables this gateway bridges. */
  private readonly configs: WearableConfigs;
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
    this.owners = opts.owners;
    this.dependsOn = [opts.mqtt, opts.ble, opts.owners].filter((s) => s !== undefined);
    this.configs = new WearableConfigs(ctx, {
      mqtt: opts.mqtt,
      owned: (id) => this.enabled() && this.owns(id),
      // Off: a subscription to a wearable's own discovery topic overlaps the Home Assistant
      // dialect's, and the embedded broker (aedes) then disconnects the client in a loop ("no such
      // packet" on its PUBACKs). A new owner still writes its config at once on handover.
      watch: false,
      bridged: (id) => this.states.get(id)?.latest,
    });
  }

  start(): void {
    this.offs.push(
      this.ctx.readings.subscribe((r) => this.onReadings(r)),
      this.ctx.devices.onChange((d) => {
        d.upserted.forEach((dev) => this.onDevice(dev));
        d.removed.forEach((id) => this.withdraw(id));
      }),
      this.mqtt.onConnected(() => this.republishAll()),
    );
    if (this.owners) this.offs.push(this.owners.onChange((id) => this.onOwner(id)));
    if (this.ble) this.offs.push(this.ble.onDeviceEvent((e) => this.onEvent(e)));
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.flush(); // values that came in this turn still reach the outbox
    this.configs.dispose();
  }

  private enabled(): boolean {
    return this.ctx.settings.get().mqtt.bridgeWearables;
  }

  private owns(id: string): boolean {
    return this.owners ? this.owners.owns(id) : true;
  }

  private gw(): string {
    return this.ctx.gatewayId();
  }

  /** Discovery and state again for every wearable (after a connect or Home Assistant's restart). */
  republishAll(): void {
    if (!this.enabled()) return;
    for (const d of this.ctx.devices.list()) {
      if (!isWearable(d) || !this.owns(d.id)) continue;
      this.takeOver(d);
    }
  }

  /** This gateway is (again) the owner: config, availability and state, written whatever was. */
  private takeOver(d: Device): void {
    this.configs.reset(d.id);
    this.onDevice(d);
    this.publishState(d, 'again');
  }

  private onOwner(id: string): void {
    const d = this.ctx.devices.get(id);
    if (!this.enabled() || !d || !isWearable(d)) return;
    // Owner already (it bridged the wearable before the election confirmed it): the readings held
    // back meanwhile go out now, for the other gateways.
    if (this.owns(id)) {
      if (!this.configs.has(id)) return this.takeOver(d);
      if (this.states.get(id)?.hasFresh()) this.publishState(d, 'fresh');
      return;
    }
    // Another gateway bridges it now: nothing this one received is its to publish.
    this.states.get(id)?.clearFresh();
    this.configs.release(id);
  }

  /**
   * A button press or dimmer turn: on its control's event topic, never coalesced or retained. The
   * discovery naming the control went out already: the BLE service records a new control on the
   * device (a registry change, seen by onDevice at once) before it emits the event.
   */
  private onEvent(e: DeviceEvent): void {
    if (!this.enabled() || e.gateway !== this.gw() || !this.owns(e.deviceId)) return;
    const dev = this.ctx.devices.get(e.deviceId);
    if (!dev || !isWearable(dev)) return;
    const payload: Record<string, unknown> = { event_type: e.event, ts: e.ts };
    if (e.steps !== undefined) payload.steps = e.steps;
    this.mqtt.publish(eventTopic(this.gw(), dev.id, e.source), JSON.stringify(payload), { qos: 1 });
  }

  private onDevice(d: Device): void {
    if (!this.enabled() || !isWearable(d) || !this.owns(d.id)) return;
    this.configs.write(d);
  }

  private onReadings(readings: Reading[]): void {
    if (!this.enabled()) return;
    const own = this.gw();
    for (const r of readings) {
      // Readings relayed from another gateway are that gateway's to publish.
      if (r.gateway && r.gateway !== own) continue;
      const dev = this.ctx.devices.get(r.deviceId);
      if (!dev || !isWearable(dev)) continue;
      this.stateOf(dev).add(r);
      this.dirty.add(dev.id);
    }
    // The wearables' readings arrive in separate callbacks of one radio tick (a strap's
    // notification, a BTHome advertisement, ...): their states are published together at the
    // end of the turn, in one outbox transaction, instead of one disk commit each. A state is
    // the device's latest values, so this changes no value, only when the row is written (<1 ms).
    if (this.dirty.size && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.dirty.size) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    this.mqtt.batch(() => {
      for (const id of ids) {
        const dev = this.ctx.devices.get(id);
        if (!dev) continue;
        // Not the owner: the readings are the owner's to publish (this gateway keeps its own).
        if (!this.owns(id)) {
          this.states.get(id)?.clearFresh();
          continue;
        }
        this.onDevice(dev);
        const rr = this.states.get(id)?.rr();
        if (rr) this.mqtt.publish(rrTopic(this.gw(), id), JSON.stringify(rr), { qos: 1 });
        this.publishState(dev, this.owners && !this.owners.confirmed(id) ? 'hold' : 'fresh');
      }
    });
  }

  private stateOf(d: Device): WearableState {
    let st = this.states.get(d.id);
    if (!st) this.states.set(d.id, (st = WearableState.of(d)));
    return st;
  }

  private publishState(d: Device, mode: 'fresh' | 'again' | 'hold'): void {
    const st = this.stateOf(d);
    if (!st.latest.size) return;
    const msg = st.message(d, this.gw(), mode);
    this.mqtt.publish(stateTopic(this.gw(), d.id), JSON.stringify(msg), {
      qos: 1,
      retain: true,
      coalesce: true,
    });
  }

  /** A forgotten wearable (gone from the registry): its retained topics are withdrawn. */
  private withdraw(id: string): void {
    this.states.delete(id);
    this.dirty.delete(id);
    this.configs.withdraw(id, this.owns(id));
  }
}
