import { DeviceSession, type Progress, type SessionDeps } from './session.js';

/**
 * The sessions of paired GATT devices, by address, and the pair requests waiting for theirs. The
 * BLE service decides when a device gets a session; this keeps them and starts each one.
 */
export class Sessions {
  private readonly sessions = new Map<string, DeviceSession>();
  /** Pair requests waiting for their session, to report its progress. */
  private readonly pairing = new Map<string, Progress>();

  constructor(private readonly deps: SessionDeps) {}

  get(id: string): DeviceSession | undefined {
    return this.sessions.get(id);
  }

  all(): IterableIterator<DeviceSession> {
    return this.sessions.values();
  }

  get connectedCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.connected) n += 1;
    return n;
  }

  /** The next session of `id` reports its connection (or first pull) to `progress`. */
  reportTo(id: string, progress: Progress): void {
    this.pairing.set(id, progress);
  }

  /** A new session, started on the next turn. */
  open(id: string, mode: 'keep' | 'periodic', name: string): DeviceSession {
    const sess = new DeviceSession(id, mode, name, this.deps);
    this.sessions.set(id, sess);
    // A pair request saves settings first and reports 'saved' first.
    setImmediate(() => {
      if (this.sessions.get(id) !== sess) return;
      const progress = this.pairing.get(id);
      this.pairing.delete(id);
      if (sess.mode === 'keep') sess.start(progress);
      else if (progress)
        void sess.pull(undefined, progress).then(
          () => progress('synced', true),
          (e: unknown) => progress('sync', true, e instanceof Error ? e.message : String(e)),
        );
    });
    return sess;
  }

  /** Stops and drops the sessions `which` picks. */
  stop(which: (id: string) => boolean = () => true): void {
    for (const [id, s] of this.sessions)
      if (which(id)) {
        s.stop();
        this.sessions.delete(id);
      }
  }
}
