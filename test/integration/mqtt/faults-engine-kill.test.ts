import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { plainClient, until } from './core-helpers.js';

const TOTAL = 5000;
const CHILD = join(import.meta.dirname, 'faults-engine-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'homebeat-engine-kill-'));
let broker: Mosquitto | undefined;
let sub: MqttClient | undefined;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await sub?.endAsync(true);
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function engineProcess(...args: string[]): { proc: ChildProcess; said: (line: string) => boolean } {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, dir, String(broker!.port), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, said: (line) => out.split('\n').includes(line) };
}

async function sigkill(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
}

describe('outbox across engine crashes', () => {
  it(`delivers ${TOTAL} queued events although the engine process is SIGKILLed twice mid-drain`, async () => {
    broker = await startMosquitto();
    const seen = new Map<number, number>();
    let received = 0;
    sub = await plainClient(broker.url, { clientId: 'hb-kill-sub', clean: false });
    sub.on('message', (_t, p) => {
      const seq = (JSON.parse(p.toString()) as { seq: number }).seq;
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      received += 1;
    });
    await sub.subscribeAsync('hb/kill/events', { qos: 1 });

    const first = engineProcess('produce', String(TOTAL));
    await until(() => first.said('queued'), 60_000, 'events queued');
    await until(() => received >= TOTAL / 4, 30_000, 'a quarter delivered');
    await sigkill(first.proc);
    const second = engineProcess('drain');
    await until(() => received >= TOTAL / 2, 30_000, 'half delivered');
    await sigkill(second.proc);
    const third = engineProcess('drain');
    await until(() => third.said('drained'), 30_000, 'outbox drained');
    await until(() => seen.size >= TOTAL, 10_000, 'every event at the subscriber');

    const lost = TOTAL - seen.size;
    const duplicated = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
    console.log(
      `[engine-kill] total=${TOTAL} received=${received} lost=${lost} duplicated=${duplicated}`,
    );
    expect(lost).toBe(0);
    // QoS1 is at-least-once: a row whose PUBACK had not been handled when the process died is
    // sent again, and the broker cannot tell. What the outbox promises is the bound: at most the
    // in-flight window (16) per crash, never anything that was acknowledged and deleted.
    // Measured: 2 to 5 per run of 2 kills with window 16; 1 to 2 with window 1 (HB_INFLIGHT=1).
    expect(duplicated).toBeLessThanOrEqual(2 * 16);
  }, 120_000);
});
