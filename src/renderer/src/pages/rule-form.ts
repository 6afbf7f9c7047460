import type { Rule, RuleAction, RuleInput } from '../../../shared/contract/index';

/** The rule editor's state: strings for what the user types, parsed only on save. */
export interface RuleDraft {
  id?: string;
  name: string;
  enabled: boolean;
  kind: Rule['kind'];
  deviceId: string;
  metric: string;
  /** Threshold rules: the entity of the metric; '' means the device's own (its primary one). */
  valueEntity: string;
  op: 'above' | 'below';
  value: string;
  forSec: string;
  forMin: string;
  belowPct: string;
  entity: string;
  to: 'on' | 'off' | 'any';
  /** Event rules: the control and the event; '' means any. */
  source: string;
  event: string;
  cooldownSec: string;
  windowOn: boolean;
  windowFrom: string;
  windowTo: string;
  actions: ActionDraft[];
}

export interface ActionDraft {
  type: RuleAction['type'];
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
  deviceId: string;
  entity: string;
  command: string;
  topic: string;
  payload: string;
  retain: boolean;
}

export const newAction = (): ActionDraft => ({
  type: 'notify',
  title: '',
  body: '',
  urgency: 'normal',
  deviceId: '',
  entity: '',
  command: 'state=ON',
  topic: '',
  payload: '',
  retain: false,
});

export const newDraft = (): RuleDraft => ({
  name: '',
  enabled: true,
  kind: 'threshold',
  deviceId: '',
  metric: 'heart_rate',
  valueEntity: '',
  op: 'above',
  value: '',
  forSec: '0',
  forMin: '10',
  belowPct: '20',
  entity: 'state',
  to: 'on',
  source: '',
  event: '',
  cooldownSec: '300',
  windowOn: false,
  windowFrom: '22:00',
  windowTo: '06:00',
  actions: [newAction()],
});

export function draftOf(r: Rule): RuleDraft {
  const d = newDraft();
  d.id = r.id;
  d.name = r.name;
  d.enabled = r.enabled;
  d.kind = r.kind;
  d.cooldownSec = String(r.cooldownSec);
  if (r.window)
    Object.assign(d, { windowOn: true, windowFrom: r.window.from, windowTo: r.window.to });
  if ('deviceId' in r && r.deviceId) d.deviceId = r.deviceId;
  if (r.kind === 'threshold')
    Object.assign(d, {
      metric: r.metric,
      valueEntity: r.entity ?? '',
      op: r.op,
      value: String(r.value),
      forSec: String(r.forSec),
    });
  if (r.kind === 'offline') d.forMin = String(r.forMin);
  if (r.kind === 'battery') d.belowPct = String(r.belowPct);
  if (r.kind === 'binary') Object.assign(d, { entity: r.entity, to: r.to });
  if (r.kind === 'event') Object.assign(d, { source: r.source ?? '', event: r.event ?? '' });
  d.actions = r.actions.map((a) => {
    const x = newAction();
    x.type = a.type;
    if (a.type === 'notify') Object.assign(x, { title: a.title, body: a.body, urgency: a.urgency });
    if (a.type === 'command')
      Object.assign(x, {
        deviceId: a.deviceId,
        entity: a.entity,
        command: Object.entries(a.command)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      });
    if (a.type === 'publish')
      Object.assign(x, { topic: a.topic, payload: a.payload, retain: a.retain });
    return x;
  });
  return d;
}

/** Numbers typed as text: an empty or odd entry becomes NaN, which the engine's schema names. */
const n = (s: string): number => (s.trim() === '' ? NaN : Number(s));

/** "state=ON, brightness=40" -> { state: 'ON', brightness: 40 }. */
export function parseCommand(s: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const part of s.split(',')) {
    const [k, ...rest] = part.split('=');
    if (!k?.trim()) continue;
    const v = rest.join('=').trim();
    out[k.trim()] =
      v === 'true' ? true : v === 'false' ? false : v !== '' && !isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

export function toRuleInput(d: RuleDraft): RuleInput {
  const common = {
    ...(d.id ? { id: d.id } : {}),
    name: d.name.trim(),
    enabled: d.enabled,
    cooldownSec: n(d.cooldownSec),
    ...(d.windowOn ? { window: { from: d.windowFrom, to: d.windowTo } } : {}),
    actions: d.actions.map((a): RuleAction => {
      if (a.type === 'notify')
        return { type: 'notify', title: a.title, body: a.body, urgency: a.urgency };
      if (a.type === 'command')
        return {
          type: 'command',
          deviceId: a.deviceId,
          entity: a.entity,
          command: parseCommand(a.command),
        };
      return { type: 'publish', topic: a.topic, payload: a.payload, retain: a.retain, qos: 0 };
    }),
  };
  const dev = d.deviceId ? { deviceId: d.deviceId } : {};
  switch (d.kind) {
    case 'threshold':
      return {
        ...common,
        ...dev,
        kind: 'threshold',
        metric: d.metric as never,
        ...(d.valueEntity ? { entity: d.valueEntity } : {}),
        op: d.op,
        value: n(d.value),
        forSec: n(d.forSec),
      };
    case 'offline':
      return { ...common, kind: 'offline', deviceId: d.deviceId, forMin: n(d.forMin) };
    case 'battery':
      return { ...common, ...dev, kind: 'battery', belowPct: n(d.belowPct) };
    case 'binary':
      return { ...common, kind: 'binary', deviceId: d.deviceId, entity: d.entity, to: d.to };
    case 'event':
      return {
        ...common,
        kind: 'event',
        deviceId: d.deviceId,
        ...(d.source ? { source: d.source } : {}),
        ...(d.event ? { event: d.event } : {}),
      };
  }
}

/** One line saying what a rule does. */
export function describeRule(r: Rule, deviceName: (id: string) => string): string {
  const who = 'deviceId' in r && r.deviceId ? deviceName(r.deviceId) : 'any device';
  switch (r.kind) {
    case 'threshold':
      return `${who}: ${(r.entity ?? r.metric).replace(/_/g, ' ')} ${r.op} ${r.value}${r.forSec ? ` for ${r.forSec} s` : ''}`;
    case 'offline':
      return `${who} offline for ${r.forMin} min`;
    case 'battery':
      return `${who}: battery below ${r.belowPct} %`;
    case 'binary':
      return `${who}: ${r.entity} turns ${r.to}`;
    case 'event':
      return `${who}: ${(r.event ?? 'any event').replace(/_/g, ' ')} on ${(r.source ?? 'any control').replace(/_/g, ' ')}`;
  }
}
