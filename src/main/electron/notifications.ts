import type { NotificationPayload } from '../../shared/contract/index.js';

/** What the center needs of Electron's Notification (a small fake in tests). */
export interface NotificationLike {
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  show(): void;
}

export interface NotificationCenterOptions {
  create(n: NotificationPayload): NotificationLike;
  isSupported(): boolean;
  /** The user's "Show notifications" setting, read at each notification. */
  enabled(): boolean;
  /** A notification was clicked: open the dashboard at its target. */
  onClick(target: string | undefined): void;
  /**
   * How long a shown notification is held for its click. Electron does not promise a `close`
   * event (a notification dismissed from the OS's list often sends none), so without a limit
   * every notification would be held for the life of the process.
   */
  holdMs?: number;
}

export const NOTIFICATION_HOLD_MS = 10 * 60_000;

/**
 * Shows the engine's notifications. Each is held (a collected Notification loses its click
 * handler) until it is clicked, closed, fails, or the hold time passes, whichever is first.
 */
export class NotificationCenter {
  private readonly held = new Map<NotificationLike, NodeJS.Timeout>();

  constructor(private readonly o: NotificationCenterOptions) {}

  /** Notifications held now (tests read it). */
  get size(): number {
    return this.held.size;
  }

  show(n: NotificationPayload): void {
    if (!this.o.enabled() || !this.o.isSupported()) return;
    const note = this.o.create(n);
    const timer = setTimeout(() => this.release(note), this.o.holdMs ?? NOTIFICATION_HOLD_MS);
    timer.unref();
    this.held.set(note, timer);
    note.on('click', () => {
      this.release(note);
      this.o.onClick(n.target);
    });
    note.on('close', () => this.release(note));
    note.on('failed', () => this.release(note));
    note.show();
  }

  dispose(): void {
    for (const note of [...this.held.keys()]) this.release(note);
  }

  private release(note: NotificationLike): void {
    const timer = this.held.get(note);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.held.delete(note);
  }
}
