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
 */
export const osNetworkMonitor: NetworkMonitor = {
  isOnline(): boolean {
    try {
      return Object.values(networkInterfaces()).some((list) =>
        (list ?? []).some((i) => !i.internal),
      );
    } catch {
      // Some sandboxes refuse the call; assume online rather than holding every job forever.
      return true;
    }
  },
};

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
