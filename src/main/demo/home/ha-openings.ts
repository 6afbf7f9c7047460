/**
 * The simulated home's cover and lock, announced through Home Assistant discovery like the other
 * scripted devices: living-room blinds (open, close, stop, a position) and a front-door lock. Each
 * answers a command with its new state at once, as a quick motor or a smart lock reports it.
 */
import { SIM_DEV, type SimDevice, type SimPublish } from './sim-device.js';

/** `~` base topics, a position 0..100 and HA's default payloads (OPEN, CLOSE, STOP; open...). */
export class SimBlinds implements SimDevice {
  readonly id = 'blinds';
  private position = 100;
  private readonly base = 'simhome/blinds';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/cover/sim_blinds/config`,
      JSON.stringify({
        '~': this.base,
        name: 'Blinds',
        uniq_id: 'sim_blinds',
        dev_cla: 'blind',
        cmd_t: '~/set',
        stat_t: '~/state',
        pos_t: '~/position',
        set_pos_t: '~/position/set',
        dev: {
          ids: ['sim_blinds'],
          name: 'Living room blinds',
          mdl: 'Blind B3',
          ...SIM_DEV,
          sa: 'Living room',
        },
      }),
      true,
    );
    this.report(pub);
  }
  commandTopics(): string[] {
    return [`${this.base}/set`, `${this.base}/position/set`];
  }
  onCommand(topic: string, payload: string, pub: SimPublish): void {
    if (topic.endsWith('/position/set')) {
      const n = Number(payload);
      if (!Number.isInteger(n) || n < 0 || n > 100) return;
      this.position = n;
    } else if (payload === 'OPEN') this.position = 100;
    else if (payload === 'CLOSE') this.position = 0;
    else if (payload !== 'STOP') return;
    this.report(pub);
  }
  tick(): void {}
  private report(pub: SimPublish): void {
    pub(`${this.base}/state`, this.position === 0 ? 'closed' : 'open', true);
    pub(`${this.base}/position`, String(this.position), true);
  }
}

/** Full keys and HA's default lock payloads (LOCK / UNLOCK in, LOCKED / UNLOCKED out). */
export class SimLock implements SimDevice {
  readonly id = 'front_door_lock';
  private locked = true;
  private readonly base = 'simhome/front_door_lock';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/lock/sim_front_door_lock/config`,
      JSON.stringify({
        name: 'Front door lock',
        unique_id: 'sim_front_door_lock',
        command_topic: `${this.base}/set`,
        state_topic: `${this.base}/state`,
        device: {
          identifiers: ['sim_front_door_lock'],
          name: 'Front door lock',
          model: 'Lock L1',
          manufacturer: SIM_DEV.mf,
          suggested_area: 'Hall',
        },
      }),
      true,
    );
    this.report(pub);
  }
  commandTopics(): string[] {
    return [`${this.base}/set`];
  }
  onCommand(_topic: string, payload: string, pub: SimPublish): void {
    if (payload !== 'LOCK' && payload !== 'UNLOCK') return;
    this.locked = payload === 'LOCK';
    this.report(pub);
  }
  tick(): void {}
  private report(pub: SimPublish): void {
    pub(`${this.base}/state`, this.locked ? 'LOCKED' : 'UNLOCKED', true);
  }
}
