import type { Metric } from '../../../shared/metrics.js';
import type { DevicePatch } from '../../../shared/model.js';
import { decodeCharacteristic, encodeCurrentTime, KNOWN_SERVICES } from './decoders/index.js';
import type { Clock } from '../ports.js';
import { guarded, sleep } from './gatt.js';
import type { GattCharacteristic, GattLink } from './radio.js';

/** A GATT operation guarded by the link's timeout and abort signal. */
export type Op = <T>(x: Promise<T>, what: string) => Promise<T>;

/** Device Information strings the device list shows. */
const DIS: Record<string, 'manufacturer' | 'model' | 'firmware'> = {
  '2a29': 'manufacturer',
  '2a24': 'model',
  '2a26': 'firmware',
};

/**
 * What a service lets a device measure, before the first reading says so: its primary values (a
 * battery level is the device's own health, a diagnostic, shown apart).
 */
const SERVICE_METRICS: Record<string, Metric[]> = {
  '180d': ['heart_rate', 'rr_interval', 'energy_expended'],
  '1809': ['temperature'],
  '181d': ['weight', 'bmi', 'height'],
  '1810': ['systolic', 'diastolic', 'pulse'],
  '1822': ['spo2', 'pulse'],
  '1808': ['glucose'],
  '1814': ['speed', 'cadence'],
  '1816': ['speed', 'cadence'],
  '1818': ['power', 'cadence'],
};

/** Reads manufacturer, model and firmware; a string that fails to decode is reported and skipped. */
export async function readDeviceInfo(
  chars: Map<string, GattCharacteristic>,
  op: Op,
  onError: (uuid: string, data: Buffer, err: unknown) => void,
): Promise<Partial<DevicePatch>> {
  const patch: Partial<DevicePatch> = {};
  for (const [uuid, field] of Object.entries(DIS)) {
    const c = chars.get(uuid);
    if (!c?.properties.includes('read')) continue;
    const data = await op(c.read(), `read ${uuid}`);
    try {
      const extra = decodeCharacteristic(uuid, data).extra ?? {};
      const text = Object.values(extra).find((x) => typeof x === 'string');
      if (typeof text === 'string' && text) patch[field] = text;
    } catch (err) {
      onError(uuid, data, err);
    }
  }
  return patch;
}

/** Writes Current Time (0x2A2B) so the device's own timestamps, which we keep, stay right. */
export async function setDeviceTime(chars: Map<string, GattCharacteristic>, op: Op, now: number) {
  const c = chars.get('2a2b');
  if (!c || !c.properties.includes('write')) return;
  await op(c.write(encodeCurrentTime(new Date(now)), false), 'write current time');
}

/** The metrics a device's characteristics promise. */
export function capabilitiesOf(charUuids: Iterable<string>): Metric[] {
  const have = new Set(charUuids);
  const caps = new Set<Metric>();
  for (const [svc, def] of Object.entries(KNOWN_SERVICES))
    if (def.characteristics.some((c) => have.has(c)))
      for (const m of SERVICE_METRICS[svc] ?? []) caps.add(m);
  return [...caps];
}

/**
 * While a link is up, asks for its RSSI every `everyMs` (a connected device no longer advertises,
 * so nothing else tells the signal strength). Ends when the link's signal aborts.
 */
export async function watchRssi(
  link: GattLink,
  signal: AbortSignal,
  clock: Clock,
  everyMs: number,
  onRssi: (rssi: number) => void,
): Promise<void> {
  while (!signal.aborted) {
    await sleep(everyMs, clock, signal);
    if (signal.aborted) return;
    try {
      const rssi = await guarded(link.readRssi(), 'read RSSI', 5_000, signal, clock);
      if (typeof rssi === 'number' && Number.isFinite(rssi)) onRssi(rssi);
    } catch {
      // A missed RSSI reading is not worth a log line; the link's own events say what matters.
    }
  }
}
