import { networkInterfaces } from 'node:os';

/** Whether the machine is online, for jobs that need the network. Injectable for tests. */
export interface NetworkMonitor {
  isOnline(): boolean;
  /** Optional push of changes; without it the scheduler re-checks on its planner tick. */
  onChange?(listener: (online: boolean) => void): () => void;
}

/**
 * Online means some non-loopback interface has an address. Coarse (no reachability probe), but it
 * is what the OS knows without traffic, and it tells a laptop with Wi-Fi off from one with Wi-Fi on.
 *
 * Node has no event for interface changes, so onChange polls, and only while someone listens (the
 * scheduler, the MQTT reconnect). It polls on a real, unref'd timer rather than the Clock port: it
 * samples the OS, not engine time, and a test's manual clock advancing a month must not run it
 * half a million times (tests that need network changes use ManualNetworkMonitor).
 */
export class OsNetworkMonitor implements NetworkMonitor {
  private readonly listeners = new Set<(online: boolean) => void>();
  private timer: NodeJS.Timeout | null = null;
  private last = true;

  constructor(private readonly pollMs = 5000) {}

  isOnline(): boolean {
    try {
      return Object.values(networkInterfaces()).some((list) =>
        (list ?? []).some((i) => !i.internal),
      );
    } catch {
      // Some sandboxes refuse the call; assume online rather than holding every job forever.
      return true;
    }
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.last = this.isOnline();
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private poll(): void {
    const online = this.isOnline();
    if (online === this.last) return;
    this.last = online;
    for (const l of [...this.listeners]) l(online);
  }
}

/** The process's one OS monitor (one poll however many services listen). */
export const osNetworkMonitor: NetworkMonitor = new OsNetworkMonitor();

/** A monitor a test (or a host with its own signal) sets by hand. */
export class ManualNetworkMonitor implements NetworkMonitor {
  private readonly listeners = new Set<(online: boolean) => void>();
  constructor(private online = true) {}
  isOnline(): boolean {
    return this.online;
  }
  set(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const l of this.listeners) l(online);
  }
  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
