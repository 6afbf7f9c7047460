/**
 * Per-file fixtures for the MQTT integration tests: the broker (and what runs on it) that a test
 * file sets up in its hooks, so each file keeps only what it tests. Apart from core-helpers.ts
 * because these register vitest hooks, and core-helpers is also imported outside vitest (the
 * fault tests' child engine).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestEngine } from '../../helpers/engine.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import {
  brokerSettings,
  plainClient,
  startMqttEngine,
  type MqttComposeOptions,
  type MqttEngine,
} from './core-helpers.js';
import { publisher, smartHomeEngine } from './discovery-helpers.js';

interface Closable {
  close(): Promise<void>;
}

/**
 * One Mosquitto for the file; the engines and clients a test opens through the fixture are closed
 * after that test, the last opened first. Call them inside tests (the hooks start the broker).
 */
export function useBroker() {
  let broker: Mosquitto | undefined;
  const open: Closable[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  return {
    /**
     * A gateway on this broker as `gatewayId` (not yet connected), closed after the test: the MQTT
     * service with the wearable bridge and the peer gateways, and a history or BLE service if asked.
     */
    async engine(
      gatewayId: string,
      extra: Pick<MqttComposeOptions, 'history' | 'ble'> & { port?: number } = {},
    ): Promise<MqttEngine> {
      const { port, ...services } = extra;
      const e = await startMqttEngine({
        ...services,
        gatewayId,
        // `port`: another way to the broker (a proxy a test cuts to kill this gateway's link).
        mqtt: brokerSettings(port === undefined ? broker! : { port }),
        bridge: true,
        gateways: true,
      });
      open.push(e);
      return e;
    },
    /** The broker's port (for a proxy in front of it). */
    get port(): number {
      return broker!.port;
    },
    /** A plain client of the test's side of the broker, closed after the test. */
    async client(): Promise<MqttClient> {
      const c = await plainClient(broker!.url);
      open.push({ close: () => c.endAsync(true) });
      return c;
    },
    /** Closes what the fixture opened before the test ends (a gateway that goes away). */
    async close(o: Closable): Promise<void> {
      await o.close();
      const i = open.indexOf(o);
      if (i >= 0) open.splice(i, 1);
    },
  };
}

/**
 * One Mosquitto, one engine with the MQTT and smart-home services on it (connected), and a
 * publisher client, shared by all the tests of the file (they build on each other's devices).
 */
export function useSmartHome() {
  let broker: Mosquitto | undefined;
  let te: TestEngine | undefined;
  let pub: MqttClient | undefined;
  beforeAll(async () => {
    broker = await startMosquitto();
    te = await smartHomeEngine(broker);
    pub = await publisher(broker);
  });
  afterAll(async () => {
    await pub?.endAsync();
    await te?.close();
    await broker?.stop();
  });
  return {
    get te(): TestEngine {
      return te!;
    },
    get pub(): MqttClient {
      return pub!;
    },
  };
}
