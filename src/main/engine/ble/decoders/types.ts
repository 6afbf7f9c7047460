import type { Metric } from '../../../../shared/metrics.js';
import type { ReadingStatus } from '../../../../shared/model.js';

export interface DecodedValue {
  metric: Metric;
  /** null only when status is not 'ok' (an IEEE-11073 special, or a "measurement unsuccessful"). */
  value: number | null;
  unit: string;
  status?: ReadingStatus;
  /** The device's own timestamp, ms since the epoch, when the payload carries one. */
  ts?: number;
  /**
   * The entity key, where the format names it (a BTHome object and its instance, `temperature_2`);
   * absent: the metric's name.
   */
  entity?: string;
  extra?: Record<string, unknown>;
}

export interface DecodeResult {
  values: DecodedValue[];
  /** Facts about the payload as a whole, e.g. { userId, sequence, contact, temperatureType }. */
  extra?: Record<string, unknown>;
}

/** Per-device memory for decoders that work on differences between notifications (CSC, CP). */
export interface RevolutionSample {
  revolutions: number;
  eventTime: number;
  /** Notifications in a row with no new event; a stopped wheel reports speed 0 after a few. */
  unchanged: number;
}

export interface DecoderState {
  wheelCircumferenceM: number;
  csc: { wheel?: RevolutionSample; crank?: RevolutionSample };
  cp: { wheel?: RevolutionSample; crank?: RevolutionSample };
}

export type Decoder = (data: Buffer, state: DecoderState | undefined) => DecodeResult;
