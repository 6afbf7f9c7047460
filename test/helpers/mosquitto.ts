import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface MosquittoOptions {
  /** username -> password; when given, anonymous clients are refused. */
  users?: Record<string, string>;
  /** Keep sessions and queued QoS1 messages across restarts (on by default). */
  persistence?: boolean;
  /**
   * Save the persistence file after every queued message and subscription change rather than once
   * a second: Mosquitto acks QoS1 before it persists, so a SIGKILL otherwise drops what it queued
   * for an offline persistent session since the last save.
   */
  saveOnEveryChange?: boolean;
}

export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/**
 * A real Mosquitto on a free loopback port with a generated config, for integration tests.
 * `kill()` sends SIGKILL (a crash), `restart()` starts it again on the same port and data dir.
 */
export class Mosquitto {
  readonly dir: string;
  port = 0;
  private proc: ChildProcess | null = null;
  private readonly opts: MosquittoOptions;
  /** Everything the broker printed, for diagnosing a failed test. */
  output = '';

  constructor(opts: MosquittoOptions = {}) {
    this.opts = { persistence: true, ...opts };
    this.dir = mkdtempSync(join(tmpdir(), 'homebeat-mosquitto-'));
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      `persistence ${this.opts.persistence ? 'true' : 'false'}`,
      `persistence_location ${this.dir}/`,
      // Flush persistence often so a SIGKILL loses as little as a real crash would.
      'autosave_interval 1',
      ...(this.opts.saveOnEveryChange ? ['autosave_on_changes true'] : []),
      'max_queued_messages 0',
      'max_inflight_messages 100',
      'log_dest stdout',
      'log_type error',
      'log_type warning',
    ];
    // As root, mosquitto would drop to its own user, which cannot read this private temp dir.
    if (process.getuid?.() === 0) lines.push('user root');
    if (this.opts.users) {
      const pw = join(this.dir, 'passwd');
      writeFileSync(pw, '');
      for (const [u, p] of Object.entries(this.opts.users)) {
        execFileSync('mosquitto_passwd', ['-b', pw, u, p]);
      }
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else {
      lines.push('allow_anonymous true');
    }
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    this.proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d) => (this.output += d));
    this.proc.stderr?.on('data', (d) => (this.output += d));
    await waitForPort(this.port, 10_000, () => this.output);
    return this;
  }

  /** SIGKILL: the broker dies as in a crash. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
    this.proc = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms: ${output()}`);
}

export async function startMosquitto(opts?: MosquittoOptions): Promise<Mosquitto> {
  return new Mosquitto(opts).start();
}
