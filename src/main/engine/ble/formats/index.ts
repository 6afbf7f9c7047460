import { aranetFormat } from './aranet.js';
import { atcFormat } from './atc.js';
import { eddystoneFormat, iBeaconFormat } from './beacons.js';
import { bthomeV1Format } from './bthome-v1.js';
import { bthomeFormat } from './bthome.js';
import type { AdvertFormat } from './format.js';
import { goveeFormat } from './govee.js';
import { inkbirdFormat } from './inkbird.js';
import { qingpingFormat } from './qingping.js';
import { ruuviFormat } from './ruuvi.js';
import { xiaomiScaleFormat } from './scales.js';
import { switchBotFormat } from './switchbot.js';
import { thermoBeaconFormat } from './thermobeacon.js';
import { miBeaconFormat } from './xiaomi.js';

export type { AdvertFormat, FormatContext, FormatEvent, FormatReport } from './format.js';

/**
 * The advertisement formats the engine reads, first match wins. A new format is one module and
 * one row here (or, for a host or a test, one more entry in BleServiceOptions.formats). Each
 * matches on its own service-data UUID or company id, so the order only matters for devices
 * that send two formats at once (BTHome first: a PVVX thermometer in BTHome mode), and for
 * Inkbird and ThermoBeacon, matched by name (Inkbird's data sits where a company id would be,
 * ThermoBeacon's company id varies by model) before any row that matches on a company id.
 */
export const ADVERT_FORMATS: readonly AdvertFormat[] = [
  bthomeFormat,
  miBeaconFormat,
  atcFormat,
  qingpingFormat,
  bthomeV1Format,
  xiaomiScaleFormat,
  inkbirdFormat,
  thermoBeaconFormat,
  ruuviFormat,
  aranetFormat,
  goveeFormat,
  switchBotFormat,
  iBeaconFormat,
  eddystoneFormat,
];
