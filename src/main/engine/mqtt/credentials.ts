import type { EngineContext, Handlers } from '../context.js';
import { EMBEDDED_PASSWORD_SECRET, PASSWORD_SECRET } from './connect-options.js';

/**
 * setMqttPassword: the password goes to the secret store only; settings keep a flag, so the
 * dashboard can say "a password is stored" without ever holding it.
 */
export function credentialHandlers(
  ctx: EngineContext,
  reconnect: () => void,
): Pick<Handlers, 'setMqttPassword'> {
  return {
    setMqttPassword: ({ password, target }) => {
      const name = target === 'embedded' ? EMBEDDED_PASSWORD_SECRET : PASSWORD_SECRET;
      if (password) ctx.ports.secrets.set(name, password);
      else ctx.ports.secrets.delete(name);
      const stored = !!password;
      const s = ctx.settings.get();
      if (target === 'broker' && s.mqtt.hasPassword !== stored) {
        // The settings change reconnects by itself.
        ctx.settings.update({ mqtt: { hasPassword: stored } });
      } else {
        reconnect();
      }
      return { stored };
    },
  };
}
