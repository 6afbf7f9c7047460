import type { SettingsService } from '../settings-service.js';
import type { MessageHandler } from '../services.js';

export interface BirthOptions {
  settings: Pick<SettingsService, 'get' | 'onChange'>;
  subscribe(filter: string, handler: MessageHandler): () => void;
  onBirth(): void;
}

/**
 * Home Assistant announces a restart with `<discoveryPrefix>/status` = online, after which it
 * needs discovery and states again. Follows the prefix as settings change; returns the stop.
 */
export function followBirth(o: BirthOptions): () => void {
  let prefix = o.settings.get().mqtt.discoveryPrefix;
  const handler: MessageHandler = (_t, payload, retained) => {
    // A retained birth message arrives on every connect, which already republishes.
    if (!retained && payload.toString() === 'online') o.onBirth();
  };
  let off = o.subscribe(`${prefix}/status`, handler);
  const offSettings = o.settings.onChange((next) => {
    if (next.mqtt.discoveryPrefix === prefix) return;
    off();
    prefix = next.mqtt.discoveryPrefix;
    off = o.subscribe(`${prefix}/status`, handler);
  });
  return () => {
    offSettings();
    off();
  };
}
