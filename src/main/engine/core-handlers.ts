import { EngineError } from '../../shared/result.js';
import type { EngineService, Handlers } from './context.js';
import type { Engine } from './engine.js';

/** The engine's own request handlers (status, devices, settings, pause, sync). */
export function coreHandlers(engine: Engine, _services: EngineService[]): Partial<Handlers> {
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
