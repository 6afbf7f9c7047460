import { nobleRadio } from '../../engine/ble/noble-loader.js';
import type { RadioFactory } from '../../engine/ble/radio.js';
import { systemClock } from '../../engine/ports.js';
import { SimulatedRadio, type SimulatedRadioOptions } from './radio.js';
import { BthomeSensor, CyclingSensor, HeartRateStrap, Scale, Thermometer } from './devices.js';
import { GlucoseMeter } from './glucose-meter.js';

/** The bind key of the simulated encrypted BTHome sensor (the BTHome documentation's example key). */
export const SIM_BTHOME_KEY = '231d39c1d7cc1ab1aee224cd096db932';

export const SIM_ADDRESSES = {
  strap: 'c0:ff:ee:00:00:01',
  thermometer: 'c0:ff:ee:00:00:02',
  scale: 'c0:ff:ee:00:00:03',
  glucose: 'c0:ff:ee:00:00:04',
  cycling: 'c0:ff:ee:00:00:05',
  climate: 'c0:ff:ee:00:00:06',
  door: 'c0:ff:ee:00:00:07',
  spareStrap: 'c0:ff:ee:00:00:08',
} as const;

export interface SimWorld {
  radio: SimulatedRadio;
  strap: HeartRateStrap;
  thermometer: Thermometer;
  scale: Scale;
  glucose: GlucoseMeter;
  cycling: CyclingSensor;
  climate: BthomeSensor;
  door: BthomeSensor;
  /** Left unpaired, for the pairing screen. */
  spareStrap: HeartRateStrap;
  /** What `serve --simulate` pairs on a fresh start. */
  demoPairing: { id: string; name: string; mode: 'keep' | 'periodic' }[];
  /** Bind keys to store for the encrypted sensors, by address. */
  bindKeys: Record<string, string>;
}

/**
 * The simulated household: every kind of device the app understands, deterministic by `seed`.
 * `demo` adds a little history (a weighing taken before the app ran), which tests leave out.
 */
export function createSimWorld(
  opts: SimulatedRadioOptions & { seed?: number; demo?: boolean } = {},
): SimWorld {
  const seed = opts.seed ?? 1;
  const radio = new SimulatedRadio(opts);
  const a = SIM_ADDRESSES;
  const w = {
    radio,
    strap: new HeartRateStrap(a.strap, 'HB Strap', seed),
    thermometer: new Thermometer(a.thermometer, 'HB Thermometer', seed),
    scale: new Scale(a.scale, 'HB Scale', seed),
    glucose: new GlucoseMeter(a.glucose, 'HB Glucose', seed, 12, (opts.clock ?? systemClock).now()),
    cycling: new CyclingSensor(a.cycling, 'HB Cycle', seed),
    climate: new BthomeSensor(a.climate, 'HB Climate', 'climate', null, seed),
    door: new BthomeSensor(a.door, 'HB Door', 'door', Buffer.from(SIM_BTHOME_KEY, 'hex'), seed),
    spareStrap: new HeartRateStrap(a.spareStrap, 'HB Strap 2', seed + 1),
  };
  radio.add(w.strap, w.thermometer, w.scale, w.glucose, w.cycling, w.climate, w.door, w.spareStrap);
  // Someone stood on the scale before the app was around: delivered on the first connection.
  if (opts.demo) w.scale.measure();
  const keep = (id: string, name: string) => ({ id, name, mode: 'keep' as const });
  return {
    ...w,
    demoPairing: [
      keep(a.strap, 'HB Strap'),
      keep(a.thermometer, 'HB Thermometer'),
      keep(a.scale, 'HB Scale'),
      { id: a.glucose, name: 'HB Glucose', mode: 'periodic' },
      keep(a.cycling, 'HB Cycle'),
      keep(a.climate, 'HB Climate'),
      keep(a.door, 'HB Door'),
    ],
    bindKeys: { [a.door]: SIM_BTHOME_KEY },
  };
}

/**
 * The world's radio as the BLE service takes it: real noble over the simulated bindings, reporting
 * that its devices are simulated.
 */
export const radioOf = (w: SimWorld): RadioFactory =>
  nobleRadio({ binding: w.radio, simulated: true });
