import type { z } from 'zod';
import type { EventSpec, MethodSpec } from './define.js';
import { coreEvents, coreRequests } from './core.js';
import { bleEvents, bleRequests } from './ble.js';
import { mqttEvents, mqttRequests } from './mqtt.js';
import { historyEvents, historyRequests } from './history.js';
import { rulesEvents, rulesRequests } from './rules.js';
import { schedulerEvents, schedulerRequests } from './scheduler.js';

export * from './core.js';
export * from './ble.js';
export * from './mqtt.js';
export * from './history.js';
export * from './rules.js';
export * from './scheduler.js';

/** Every request method, renderer -> engine. */
export const requests = {
  ...coreRequests,
  ...bleRequests,
  ...mqttRequests,
  ...historyRequests,
  ...rulesRequests,
  ...schedulerRequests,
} satisfies Record<string, MethodSpec>;

/** Every pushed event, engine -> renderer. */
export const events = {
  ...coreEvents,
  ...bleEvents,
  ...mqttEvents,
  ...historyEvents,
  ...rulesEvents,
  ...schedulerEvents,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
} satisfies Record<string, EventSpec<any>>;

export type Requests = typeof requests;
export type MethodName = keyof Requests;
/** What a caller sends (defaults may be omitted). */
export type Input<M extends MethodName> = z.input<Requests[M]['input']>;
/** What a handler receives, after validation. */
export type Parsed<M extends MethodName> = z.output<Requests[M]['input']>;
export type Output<M extends MethodName> = NonNullable<Requests[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type Payload<E extends EventName> = NonNullable<Events[E]['payload']>;
/** One pushed message: the coalesced events of one batch window. */
export type EventBatch = { [E in EventName]?: Payload<E> };

export const METHOD_NAMES = Object.keys(requests) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const isMethodName = (s: unknown): s is MethodName =>
  typeof s === 'string' && Object.hasOwn(requests, s);
export const isEventName = (s: unknown): s is EventName =>
  typeof s === 'string' && Object.hasOwn(events, s);
