import type { MessageHandler } from '../services.js';
import type { Logger } from '../logging.js';
import { hasWildcard, matchLevels } from './topics.js';

/** Topics already reported are remembered up to this many, so a flood cannot grow memory. */
const MAX_REPORTED = 5000;

/**
 * The subscriptions the engine's modules asked for: kept here (not on the broker) so every new
 * connection subscribes them again, and routed locally so one broker subscription can feed several
 * modules. A handler that throws, or an oversized payload, affects only that message.
 */
export class SubscriptionTable {
  private readonly filters = new Map<string, Set<MessageHandler>>();
  /** Wildcard filters with their levels split once (not per message). */
  private readonly wildcards = new Map<string, string[]>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly log: Logger,
    /** The largest payload accepted on a topic (caps differ per topic family: payload-caps.ts). */
    private readonly capOf: (topic: string) => { max: number; family?: string },
  ) {}

  /** Returns true when the filter is new (the broker must be told). */
  add(filter: string, handler: MessageHandler): boolean {
    const set = this.filters.get(filter);
    if (set) {
      set.add(handler);
      return false;
    }
    this.filters.set(filter, new Set([handler]));
    if (hasWildcard(filter)) this.wildcards.set(filter, filter.split('/'));
    return true;
  }

  /** Returns true when no handler is left for the filter (the broker may be told). */
  remove(filter: string, handler: MessageHandler): boolean {
    const set = this.filters.get(filter);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.filters.delete(filter);
    this.wildcards.delete(filter);
    return true;
  }

  list(): string[] {
    return [...this.filters.keys()];
  }

  dispatch(topic: string, payload: Buffer, retained: boolean): void {
    const cap = this.capOf(topic);
    if (payload.length > cap.max) {
      this.reportOnce(topic, 'oversized payload dropped', {
        bytes: payload.length,
        max: cap.max,
        ...(cap.family ? { family: cap.family } : {}),
      });
      return;
    }
    // Exact filters (one per Zigbee2MQTT device, say) by lookup; only wildcard filters are scanned.
    const exact = this.filters.get(topic);
    if (exact && !hasWildcard(topic)) this.run(topic, exact, topic, payload, retained);
    if (this.wildcards.size === 0) return;
    const levels = topic.split('/');
    const system = topic.startsWith('$');
    for (const [filter, f] of this.wildcards) {
      if (matchLevels(f, levels, system)) {
        this.run(filter, this.filters.get(filter)!, topic, payload, retained);
      }
    }
  }

  private run(
    filter: string,
    handlers: Set<MessageHandler>,
    topic: string,
    payload: Buffer,
    retained: boolean,
  ): void {
    for (const h of handlers) {
      try {
        h(topic, payload, retained);
      } catch (err) {
        this.reportOnce(`${filter}\u0000${topic}`, 'a message handler failed', {
          topic,
          error: String(err),
        });
      }
    }
  }

  /** Logs a problem once per topic (and key), with the reason. */
  reportOnce(key: string, msg: string, detail: Record<string, unknown>): void {
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REPORTED) this.reported.clear();
    this.reported.add(key);
    this.log.warn(msg, { topic: key.split('\u0000').pop(), ...detail });
  }
}
