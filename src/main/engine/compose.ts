/**
 * The composition root: builds every domain service with the services it uses passed in, typed.
 * No service looks another up; what a service needs is visible in its options, and the engine
 * derives the start order from those dependencies (service-order.ts).
 *
 * Hosts choose a composition: the default one below, or the demo's (src/main/demo), which adds
 * simulated devices around the same services. Tests build smaller ones by hand.
 */
import type { Composition, EngineContext, EngineService } from './context.js';
import { HistoryService, type HistoryServiceOptions } from './history/history-service.js';
import { SchedulerService, type SchedulerOptions } from './scheduler/scheduler-service.js';
import { MqttService, type MqttServiceOptions } from './mqtt/service.js';
import { SmartHomeService, type SmartHomeOptions } from './mqtt/smarthome-service.js';
import type { SmartHomeDialect } from './mqtt/dialect.js';
import { HaDialect } from './mqtt/ha/ha-dialect.js';
import { Z2mDialect } from './mqtt/z2m/z2m-dialect.js';
import { WearableBridge } from './mqtt/bridge.js';
import { GatewayPeers } from './mqtt/gateways.js';
import { GatewayOwners } from './mqtt/owners.js';
import { BleService, type BleServiceOptions } from './ble/service.js';
import { nobleRadio } from './ble/noble-loader.js';
import { RulesService, type RulesOptions } from './rules/rules-service.js';
import { osNetworkMonitor, type NetworkMonitor } from './scheduler/network.js';

/** Per-service options; the dependencies themselves are wired here. */
export interface ComposeOptions {
  /**
   * Whether the machine is online, for every service that cares: the scheduler's network jobs and
   * the MQTT reconnect (which tries at once when the network comes back). Default: the OS's.
   */
  network?: NetworkMonitor;
  history?: Omit<HistoryServiceOptions, 'ownHousekeeping'>;
  scheduler?: Omit<SchedulerOptions, 'history' | 'network'>;
  mqtt?: Omit<MqttServiceOptions, 'history' | 'network'>;
  /** `dialects` defaults to the built-in ones (builtinDialects). */
  smarthome?: Omit<SmartHomeOptions, 'mqtt' | 'dialects'> & { dialects?: SmartHomeDialect[] };
  /** Without a radio, the local one (noble over the platform's Bluetooth stack). */
  ble?: Omit<BleServiceOptions, 'scheduler' | 'history' | 'radio'> &
    Partial<Pick<BleServiceOptions, 'radio'>>;
  rules?: Omit<RulesOptions, 'history' | 'ble' | 'mqtt' | 'smarthome'>;
}

/**
 * The smart-home dialects a default engine speaks, one entry each. Home Assistant discovery comes
 * first: Zigbee2MQTT shadows some of its devices (its own discovery of them), not the other way.
 */
export const builtinDialects = (): SmartHomeDialect[] => [new HaDialect(), new Z2mDialect()];

/** Every domain service of a full engine, by role. */
export interface Services {
  history: HistoryService;
  scheduler: SchedulerService;
  mqtt: MqttService;
  smarthome: SmartHomeService;
  ble: BleService;
  owners: GatewayOwners;
  bridge: WearableBridge;
  gateways: GatewayPeers;
  rules: RulesService;
}

export function composeServices(ctx: EngineContext, o: ComposeOptions = {}): Services {
  const history = new HistoryService(ctx, { ...o.history, ownHousekeeping: false });
  const network = o.network ?? osNetworkMonitor;
  const scheduler = new SchedulerService(ctx, { ...o.scheduler, history, network });
  // Retention, incremental vacuum and the WAL checkpoint are heavy disk work: on AC power only,
  // unless the machine has run on battery for three days past the job's due time.
  scheduler.register({
    ...history.housekeepingJob(),
    constraints: { acPower: true, acPowerGraceMs: 3 * 86_400_000 },
  });
  const mqtt = new MqttService(ctx, { ...o.mqtt, history, network });
  const smarthome = new SmartHomeService(ctx, {
    ...o.smarthome,
    dialects: o.smarthome?.dialects ?? builtinDialects(),
    mqtt,
  });
  const ble = new BleService(ctx, {
    ...o.ble,
    radio: o.ble?.radio ?? nobleRadio(),
    scheduler,
    history,
  });
  // One owner per wearable among the gateways on the broker: it alone bridges the wearable, and a
  // gateway that hears a wearable itself stores its own readings, never a peer's relayed ones.
  const owners = new GatewayOwners(ctx, mqtt);
  const bridge = new WearableBridge(ctx, { mqtt, ble, owners });
  const gateways = new GatewayPeers(ctx, mqtt, owners);
  const rules = new RulesService(ctx, { ...o.rules, history, ble, mqtt, smarthome });
  return { history, scheduler, mqtt, smarthome, ble, owners, bridge, gateways, rules };
}

/** The services as the engine takes them (it orders them by their dependencies). */
export const serviceList = (s: Services): EngineService[] => [
  s.history,
  s.scheduler,
  s.mqtt,
  s.smarthome,
  s.ble,
  s.owners,
  s.bridge,
  s.gateways,
  s.rules,
];

/** The production composition: every domain service, no simulated devices. */
export const defaultComposition =
  (o: ComposeOptions = {}): Composition =>
  (ctx) =>
    serviceList(composeServices(ctx, o));
