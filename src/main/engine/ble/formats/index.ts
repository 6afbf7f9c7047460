import { bthomeFormat } from './bthome.js';
import type { AdvertFormat } from './format.js';

export type { AdvertFormat, FormatContext, FormatEvent, FormatReport } from './format.js';

/**
 * The advertisement formats the engine reads, first match wins. A new format is one module and
 * one row here (or, for a host or a test, one more entry in BleServiceOptions.formats).
 */
export const ADVERT_FORMATS: readonly AdvertFormat[] = [bthomeFormat];
