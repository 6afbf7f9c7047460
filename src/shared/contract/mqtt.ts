import { z } from 'zod';
import { event, method } from './define.js';

export type MqttConnState = 'disabled' | 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface MqttStatus {
  state: MqttConnState;
  url?: string;
  attempt?: number;
  nextDelayMs?: number;
  reason?: string;
  embedded?: { running: boolean; host: string; port: number } | null;
  outboxPending: number;
  /**
   * Events dropped since the engine started because the outbox was full (mqtt.outboxMaxMessages:
   * the oldest go first); absent when none were.
   */
  outboxDropped?: number;
}

export interface CommandState {
  id: string;
  deviceId: string;
  entity: string;
  state: 'pending' | 'confirmed' | 'failed';
  reason?: string;
  ts: number;
}

export const mqttRequests = {
  testConnection: method<{ ok: boolean; message: string }>()(
    z
      .object({
        host: z.string().min(1).max(253),
        port: z.number().int().min(1).max(65_535),
        tls: z.boolean().default(false),
        username: z.string().max(256).default(''),
        password: z.string().max(1024).optional(),
        protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
      })
      .strict(),
  ),
  /**
   * Stores (or, when empty, deletes) a password in the secret store and reconnects. `broker`: the
   * configured broker's; `embedded`: the embedded broker's, needed for its LAN mode. A broker
   * password is bound to the host and port it is entered for (`host`/`port`, by default the
   * configured ones) and only ever sent there: after a change of host it is asked for again.
   */
  setMqttPassword: method<{ stored: boolean }>()(
    z
      .object({
        password: z.string().max(1024),
        target: z.enum(['broker', 'embedded']).default('broker'),
        host: z.string().min(1).max(253).optional(),
        port: z.number().int().min(1).max(65_535).optional(),
      })
      .strict(),
  ),
  sendCommand: method<CommandState>()(
    z
      .object({
        deviceId: z.string().min(1).max(300),
        entity: z.string().min(1).max(300),
        command: z.record(z.string(), z.union([z.string().max(100), z.number(), z.boolean()])),
      })
      .strict(),
  ),
  /**
   * Forgets a smart-home device (Home Assistant discovery, Zigbee2MQTT, ...): it leaves the device
   * list, its stored readings stay, and it is not added again until its source announces it anew
   * (a changed or a new announcement, not the same retained one).
   */
  forgetSmartHomeDevice: method<{ id: string }>()(
    z.object({ id: z.string().min(1).max(300) }).strict(),
  ),
};

export const mqttEvents = {
  commandState: event<CommandState[]>((a, b) => {
    const m = new Map(a.map((c) => [c.id, c]));
    for (const c of b) m.set(c.id, c);
    return [...m.values()];
  }),
};
