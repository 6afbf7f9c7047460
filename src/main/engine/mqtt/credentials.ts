import type { Settings } from '../../../shared/settings.js';
import type { EngineContext, Handlers } from '../context.js';
import type { SecretStore } from '../ports.js';
import { EMBEDDED_PASSWORD_SECRET, PASSWORD_SECRET } from './connect-options.js';

/** Where the broker password may be sent: the host and port it was entered for. */
export const PASSWORD_BINDING_SECRET = 'mqtt:password-endpoint';

type Where = { host: string; port: number };

const keyOf = (w: Where): string => JSON.stringify([w.host.trim().toLowerCase(), w.port]);

/**
 * The stored broker password, for a connection to `where` only. A password from a release
 * without bindings is bound, at its first use, to the broker configured then.
 */
export function passwordFor(
  secrets: SecretStore,
  where: Where,
  configured: Where,
): string | undefined {
  const password = secrets.get(PASSWORD_SECRET);
  if (password === undefined) return undefined;
  let bound = secrets.get(PASSWORD_BINDING_SECRET);
  if (bound === undefined) {
    bound = keyOf(configured);
    secrets.set(PASSWORD_BINDING_SECRET, bound);
  }
  return bound === keyOf(where) ? password : undefined;
}

/**
 * setMqttPassword: the password goes to the secret store only, bound to the host and port it is
 * entered for; settings keep a flag, so the dashboard can say "a password is stored" without
 * ever holding it. The flag follows the binding: a change of host or port to another broker
 * clears it (the dashboard asks again, and nothing is sent there); back to the bound broker sets
 * it again.
 */
export function credentialHandlers(
  ctx: EngineContext,
  reconnect: () => void,
): Pick<Handlers, 'setMqttPassword'> {
  const { secrets } = ctx.ports;
  ctx.settings.addRule((next, prev) => {
    const m = next.mqtt;
    const p = prev.mqtt;
    if (m.host === p.host && m.port === p.port && m.hasPassword === p.hasPassword) return next;
    const bound = secrets.get(PASSWORD_BINDING_SECRET);
    // No binding yet: no password, or one from an earlier release (bound at its first use).
    if (bound === undefined) return next;
    const usable = secrets.get(PASSWORD_SECRET) !== undefined && bound === keyOf(m);
    return usable === m.hasPassword ? next : withFlag(next, usable);
  });
  return {
    setMqttPassword: ({ password, target, host, port }) => {
      if (target === 'embedded') {
        if (password) secrets.set(EMBEDDED_PASSWORD_SECRET, password);
        else secrets.delete(EMBEDDED_PASSWORD_SECRET);
        reconnect();
        return { stored: !!password };
      }
      const s = ctx.settings.get();
      const bound = keyOf({ host: host ?? s.mqtt.host, port: port ?? s.mqtt.port });
      if (password) {
        secrets.set(PASSWORD_SECRET, password);
        secrets.set(PASSWORD_BINDING_SECRET, bound);
      } else {
        secrets.delete(PASSWORD_SECRET);
        secrets.delete(PASSWORD_BINDING_SECRET);
      }
      // Stored for another broker than the configured one: not usable here (yet).
      const usable = !!password && bound === keyOf(s.mqtt);
      // A changed flag reconnects by itself; otherwise the connection takes the new password now.
      if (ctx.settings.update({ mqtt: { hasPassword: usable } }) === s) reconnect();
      return { stored: !!password };
    },
  };
}

const withFlag = (s: Settings, hasPassword: boolean): Settings => ({
  ...s,
  mqtt: { ...s.mqtt, hasPassword },
});
