import { randomBytes } from 'node:crypto';
import {
  ALERTS_KEPT,
  ruleInputSchema,
  type Alert,
  type Rule,
  type RuleInput,
} from '../../../shared/contract/index.js';
import { EngineError } from '../../../shared/result.js';
import type { EngineContext, EngineService, Handlers } from '../context.js';
import type { Logger } from '../logging.js';
import type { BleApi, HistoryApi, MqttApi, SmartHomeApi } from '../services.js';
import { firstIssue } from '../settings-service.js';
import { buildAlert, runActions } from './actions.js';
import { AlertStore } from './alert-store.js';
import { RuleEvaluator, type Firing } from './evaluator.js';

export interface RulesOptions {
  /** Whose database keeps the alerts across restarts; without one they live in memory only. */
  history?: HistoryApi;
  /** Button presses and dimmer turns to react to. */
  ble?: BleApi;
  /** Where alerts and publish actions go. */
  mqtt?: MqttApi;
  /** Where command actions go. */
  smarthome?: SmartHomeApi;
  /** How often durations (held thresholds, offline devices) are checked. */
  tickMs?: number;
  /** Readings older than this do not trigger rules (stored records synced late). */
  staleMs?: number;
  /** Alerts kept (stored and for listAlerts): the newest this many, ALERTS_KEPT by default. */
  keepAlerts?: number;
}

/**
 * User rules over readings and device states. Conditions live in RuleEvaluator; this service feeds
 * it from the reading bus, the device registry and a clock tick, records alerts and runs actions.
 */
export class RulesService implements EngineService {
  readonly name = 'rules';
  readonly handlers: Partial<Handlers>;
  readonly dependsOn: readonly EngineService[];
  private readonly evaluator: RuleEvaluator;
  private readonly log: Logger;
  private readonly alerts: AlertStore;
  private readonly offs: (() => void)[] = [];
  private readonly tickMs: number;
  private timer: unknown = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: RulesOptions = {},
  ) {
    this.log = ctx.log('rules');
    this.dependsOn = [opts.history, opts.ble, opts.mqtt, opts.smarthome].filter(
      (s) => s !== undefined,
    );
    this.tickMs = opts.tickMs ?? 1000;
    this.alerts = new AlertStore({
      db: () => opts.history?.db,
      keep: opts.keepAlerts ?? ALERTS_KEPT,
      log: this.log,
    });
    this.evaluator = new RuleEvaluator(opts.staleMs === undefined ? {} : { staleMs: opts.staleMs });
    this.handlers = {
      listRules: () => this.ctx.settings.get().rules,
      saveRule: ({ rule }) => this.save(rule),
      deleteRule: ({ id }) => this.remove(id),
      listAlerts: ({ limit }) => this.alerts.list(limit),
    };
  }

  start(): void {
    // Started after the history: its database is open by then, or could not be opened.
    this.alerts.open();
    this.evaluator.setRules(this.ctx.settings.get().rules);
    const { clock } = this.ctx.ports;
    this.offs.push(
      this.ctx.readings.subscribe((r) =>
        this.handle(() =>
          this.evaluator.onReadings(r, clock.now(), (id) => this.ctx.devices.get(id)),
        ),
      ),
      this.ctx.devices.onChange((delta) =>
        this.handle(() => delta.upserted.flatMap((d) => this.evaluator.onDevice(d, clock.now()))),
      ),
      ...this.eventSubscription(),
      this.ctx.settings.onChange((next, prev) => {
        if (JSON.stringify(next.rules) !== JSON.stringify(prev.rules)) {
          this.evaluator.setRules(next.rules);
          this.log.info('rules changed', { count: next.rules.length });
        }
      }),
    );
    this.schedule();
  }

  /** Button presses and dimmer turns, from the BLE service when there is one. */
  private eventSubscription(): (() => void)[] {
    const ble = this.opts.ble;
    if (!ble) return [];
    const { clock } = this.ctx.ports;
    return [ble.onDeviceEvent((e) => this.handle(() => this.evaluator.onEvent(e, clock.now())))];
  }

  dispose(): void {
    if (this.timer !== null) this.ctx.ports.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const off of this.offs.splice(0)) off();
  }

  /** Recent alerts, oldest first. */
  recentAlerts(): Alert[] {
    return this.alerts.list(Infinity);
  }

  private schedule(): void {
    const { clock } = this.ctx.ports;
    this.timer = clock.setTimeout(() => {
      this.handle(() => this.evaluator.onTick(clock.now(), (id) => this.ctx.devices.get(id)));
      this.schedule();
    }, this.tickMs);
  }

  /** Evaluates and acts; a broken rule or action is logged and never reaches the caller. */
  private handle(evaluate: () => Firing[]): void {
    let firings: Firing[];
    try {
      firings = evaluate();
    } catch (err) {
      this.log.error('rule evaluation failed', { error: String(err) });
      return;
    }
    for (const f of firings) this.fire(f);
  }

  private fire(f: Firing): void {
    const name = this.ctx.devices.get(f.deviceId)?.name ?? f.deviceId;
    const seq = this.alerts.nextSeq();
    const alert = buildAlert(f, name, `${f.rule.id}-${f.ts}-${seq}`);
    this.alerts.add(alert, seq);
    this.log.info('rule fired', { rule: f.rule.id, device: f.deviceId, value: f.value });
    this.ctx.events.emit('alerts', [alert]);
    runActions(
      { ctx: this.ctx, log: this.log, mqtt: this.opts.mqtt, smarthome: this.opts.smarthome },
      f.rule,
      alert,
    );
    try {
      this.opts.mqtt?.publishAlert(alert);
    } catch (err) {
      this.log.warn('alert not published', { rule: f.rule.id, error: String(err) });
    }
  }

  private save(input: RuleInput): Rule {
    // Handlers are reached through the contract (already validated) or directly: check again.
    const parsed = ruleInputSchema.safeParse(input);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      const path = field ? `rule.${field}` : 'rule';
      throw new EngineError('invalid_input', `${path}: ${message}`, path);
    }
    const rule: Rule = {
      ...parsed.data,
      id: parsed.data.id ?? `rule-${randomBytes(4).toString('hex')}`,
    };
    const rules = this.ctx.settings.get().rules;
    const i = rules.findIndex((r) => r.id === rule.id);
    const next = i >= 0 ? rules.map((r, j) => (j === i ? rule : r)) : [...rules, rule];
    this.ctx.settings.update({ rules: next });
    return rule;
  }

  private remove(id: string): { id: string } {
    const rules = this.ctx.settings.get().rules;
    if (!rules.some((r) => r.id === id)) throw new EngineError('not_found', `no rule ${id}`, 'id');
    this.ctx.settings.update({ rules: rules.filter((r) => r.id !== id) });
    return { id };
  }
}
