import type {
  Alert,
  NotificationPayload,
  Rule,
  RuleAction,
} from '../../../shared/contract/index.js';
import { METRICS } from '../../../shared/metrics.js';
import type { EngineContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { MqttApi, SmartHomeApi } from '../services.js';
import type { Firing } from './evaluator.js';

/** Fills {rule}, {device}, {metric}, {value}, {unit}, {event}, {control} in a user's text. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? vars[k]! : m));
}

/** The dashboard route of a device page (colons kept readable: "/device/aa:bb:...") */
export const deviceTarget = (id: string): string =>
  `/device/${encodeURIComponent(id).replace(/%3A/gi, ':')}`;

function describe(f: Firing, deviceName: string): { title: string; body: string } {
  const r = f.rule;
  const unit = f.metric ? METRICS[f.metric].unit : '';
  const val =
    f.value === null || f.value === undefined ? '' : `${round(f.value)}${unit ? ` ${unit}` : ''}`;
  switch (r.kind) {
    case 'threshold': {
      const label = METRICS[r.metric].label;
      const held = r.forSec > 0 ? ` for ${r.forSec} s` : '';
      return {
        title: `${label} ${r.op} ${r.value}${unit ? ` ${unit}` : ''}`,
        body: `${deviceName}: ${label.toLowerCase()} ${val}, ${r.op} ${r.value}${held}.`,
      };
    }
    case 'battery':
      return { title: `Battery low: ${deviceName}`, body: `${deviceName} battery at ${val}.` };
    case 'offline':
      return {
        title: `${deviceName} offline`,
        body: `${deviceName} has been offline for ${r.forMin} min.`,
      };
    case 'binary': {
      const state = f.state === undefined ? 'changed' : f.state ? 'on' : 'off';
      return {
        title: `${deviceName}: ${r.entity} ${state}`,
        body: `${r.name}: ${deviceName} ${r.entity} is ${state}.`,
      };
    }
    case 'event': {
      const what = f.event ? `${words(f.event.event)} on ${words(f.event.source)}` : 'an event';
      return { title: `${deviceName}: ${what}`, body: `${r.name}: ${deviceName} sent ${what}.` };
    }
  }
}

const round = (v: number): string => String(Math.round(v * 10) / 10);
/** 'double_press' -> 'double press', 'button_1' -> 'button 1'. */
const words = (s: string): string => s.replace(/_/g, ' ');

/** Builds the alert for a firing: the first notify action's texts, or texts made from the rule. */
export function buildAlert(f: Firing, deviceName: string, id: string): Alert {
  const auto = describe(f, deviceName);
  const notify = f.rule.actions.find((a) => a.type === 'notify');
  const unit = f.metric ? METRICS[f.metric].unit : '';
  const vars = {
    rule: f.rule.name,
    device: deviceName,
    metric: f.metric ? METRICS[f.metric].label : '',
    value: f.value === null || f.value === undefined ? '' : round(f.value),
    unit,
    event: f.event ? words(f.event.event) : '',
    control: f.event ? words(f.event.source) : '',
  };
  const alert: Alert = {
    id,
    ruleId: f.rule.id,
    ruleName: f.rule.name,
    title: notify?.title ? fillTemplate(notify.title, vars) : auto.title,
    body: notify?.body ? fillTemplate(notify.body, vars) : auto.body,
    urgency: notify?.urgency ?? 'normal',
    deviceId: f.deviceId,
    ts: f.ts,
  };
  if (f.metric) alert.metric = f.metric;
  if (f.value !== undefined) alert.value = f.value;
  return alert;
}

/** What actions act through; a missing service skips its actions with a warning. */
export interface ActionTargets {
  ctx: EngineContext;
  log: Logger;
  mqtt?: MqttApi | undefined;
  smarthome?: SmartHomeApi | undefined;
}

/**
 * Carries out a fired rule's actions. Each action is independent: a missing MQTT service or a
 * failing command is logged and the others still run.
 */
export function runActions(to: ActionTargets, rule: Rule, alert: Alert): void {
  const { log } = to;
  for (const action of rule.actions) {
    try {
      runAction(to, action, alert);
    } catch (err) {
      log.warn('rule action failed', { rule: rule.id, action: action.type, error: String(err) });
    }
  }
}

function runAction(to: ActionTargets, a: RuleAction, alert: Alert): void {
  const { ctx, log } = to;
  switch (a.type) {
    case 'notify': {
      // Off: the alert is still recorded and pushed to the dashboard's list, but nothing pops up.
      if (!ctx.settings.get().general.notifications) return;
      const n: NotificationPayload = {
        id: alert.id,
        title: alert.title,
        body: alert.body,
        urgency: a.urgency,
        ts: alert.ts,
      };
      if (alert.deviceId) n.target = deviceTarget(alert.deviceId);
      ctx.ports.notifier.notify(n);
      ctx.events.emit('notification', [n]);
      return;
    }
    case 'command': {
      const home = to.smarthome;
      if (!home)
        return log.warn('rule command skipped: no smart home service', { rule: alert.ruleId });
      const state = home.sendCommand(a.deviceId, a.entity, a.command);
      log.info('rule sent a command', { rule: alert.ruleId, device: a.deviceId, state });
      return;
    }
    case 'publish': {
      const mqtt = to.mqtt;
      if (!mqtt) return log.warn('rule publish skipped: no MQTT service', { rule: alert.ruleId });
      const payload = fillTemplate(a.payload, {
        rule: alert.ruleName ?? alert.ruleId,
        device: alert.deviceId ?? '',
        value: alert.value === null || alert.value === undefined ? '' : String(alert.value),
        title: alert.title,
        body: alert.body,
      });
      mqtt.publish(a.topic, payload, { qos: a.qos, retain: a.retain });
      return;
    }
  }
}
