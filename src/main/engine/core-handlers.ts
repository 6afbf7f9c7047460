import { EngineError } from '../../shared/result.js';
import type { EngineStatus } from '../../shared/contract/index.js';
import type { Handlers } from './context.js';
import type { DeviceRegistry } from './devices.js';
import type { Logging } from './logging.js';
import type { SettingsService } from './settings-service.js';

/** What the core handlers act on: the engine's own state and operations. */
export interface CoreTarget {
  status(): EngineStatus;
  readonly devices: DeviceRegistry;
  readonly settings: SettingsService;
  readonly logging: Logging;
  setPaused(paused: boolean): void;
  syncNow(): Promise<string[]>;
}

/** The engine's own request handlers (status, devices, settings, pause, sync). */
export function coreHandlers(engine: CoreTarget): Partial<Handlers> {
  return {
    getStatus: () => engine.status(),
    listDevices: () => engine.devices.list(),
    getDevice: ({ id }) => {
      const d = engine.devices.get(id);
      if (!d) throw new EngineError('not_found', `no device ${id}`, 'id');
      return d;
    },
    getSettings: () => engine.settings.get(),
    updateSettings: (patch) => {
      const next = engine.settings.update(patch);
      if (patch.schedule && typeof patch.schedule === 'object' && 'paused' in patch.schedule) {
        engine.setPaused(next.schedule.paused);
      }
      return next;
    },
    syncNow: async () => ({ started: await engine.syncNow() }),
    setPaused: ({ paused }) => {
      engine.setPaused(paused);
      return { paused };
    },
    getLog: (f) => engine.logging.entries(f),
  };
}
