import { atcFormat } from './atc.js';
import { eddystoneFormat, iBeaconFormat } from './beacons.js';
import { bthomeFormat } from './bthome.js';
import type { AdvertFormat } from './format.js';
import { goveeFormat } from './govee.js';
import { ruuviFormat } from './ruuvi.js';
import { switchBotFormat } from './switchbot.js';
import { miBeaconFormat } from './xiaomi.js';

export type { AdvertFormat, FormatContext, FormatEvent, FormatReport } from './format.js';

/**
 * The advertisement formats the engine reads, first match wins. A new format is one module and
 * one row here (or, for a host or a test, one more entry in BleServiceOptions.formats). Each
 * matches on its own service-data UUID or company id, so the order only matters for devices
 * that send two formats at once (BTHome first: a PVVX thermometer in BTHome mode).
 */
export const ADVERT_FORMATS: readonly AdvertFormat[] = [
  bthomeFormat,
  miBeaconFormat,
  atcFormat,
  ruuviFormat,
  goveeFormat,
  switchBotFormat,
  iBeaconFormat,
  eddystoneFormat,
];
