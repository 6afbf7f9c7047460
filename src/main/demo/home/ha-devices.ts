/**
 * Scripted Home Assistant discovery devices for the simulated smart home: a dimmable light, a
 * switch, a door sensor, a thermostat, a temperature+humidity sensor, blinds and a lock (these two
 * in ha-openings.ts). Each announces itself the way real firmware does (abbreviated keys, `~`,
 * templates, a device-level config) and answers its commands with its new state. Values are deterministic functions of the tick count.
 */
import { SimBlinds, SimLock } from './ha-openings.js';
import { SIM_DEV, type SimDevice, type SimPublish } from './sim-device.js';

export function haDevices(prefix: string): SimDevice[] {
  return [
    new SimLight(prefix),
    new SimSwitch(prefix),
    new SimDoor(prefix),
    new SimThermostat(prefix),
    new SimClimateSensor(prefix),
    new SimBlinds(prefix),
    new SimLock(prefix),
  ];
}

/** Abbreviated keys and a `~` base, brightness on 0..100. */
class SimLight implements SimDevice {
  readonly id = 'hall_light';
  private on = false;
  private bri = 60;
  private readonly base = 'simhome/hall_light';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/light/sim_hall_light/config`,
      JSON.stringify({
        '~': this.base,
        name: null,
        uniq_id: 'sim_hall_light',
        cmd_t: '~/set',
        stat_t: '~/state',
        bri_cmd_t: '~/brightness/set',
        bri_stat_t: '~/brightness',
        bri_scl: 100,
        avty_t: '~/status',
        dev: { ids: ['sim_hall_light'], name: 'Hall light', mdl: 'SL-1', ...SIM_DEV, sa: 'Hall' },
        o: { name: 'homebeat-simhome' },
      }),
      true,
    );
    pub(`${this.base}/status`, 'online', true);
    this.report(pub);
  }
  commandTopics(): string[] {
    return [`${this.base}/set`, `${this.base}/brightness/set`];
  }
  onCommand(topic: string, payload: string, pub: SimPublish): void {
    if (topic.endsWith('/brightness/set')) {
      const n = Number(payload);
      if (!Number.isFinite(n)) return;
      this.bri = Math.max(0, Math.min(100, Math.round(n)));
      this.on = this.bri > 0;
    } else if (payload === 'ON' || payload === 'OFF') this.on = payload === 'ON';
    this.report(pub);
  }
  tick(): void {}
  private report(pub: SimPublish): void {
    pub(`${this.base}/state`, this.on ? 'ON' : 'OFF', true);
    pub(`${this.base}/brightness`, String(this.bri), true);
  }
}

/** Full keys, a JSON state read through value_template, payloads in lower case. */
class SimSwitch implements SimDevice {
  readonly id = 'coffee';
  private on = false;
  private readonly base = 'simhome/coffee';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/switch/simhome/coffee/config`,
      JSON.stringify({
        name: 'Coffee machine',
        unique_id: 'sim_coffee',
        command_topic: `${this.base}/set`,
        state_topic: `${this.base}/state`,
        value_template: '{{ value_json.power }}',
        payload_on: 'on',
        payload_off: 'off',
        device: {
          identifiers: ['sim_coffee'],
          name: 'Coffee machine',
          model: 'Plug P1',
          manufacturer: SIM_DEV.mf,
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
    if (payload !== 'on' && payload !== 'off') return;
    this.on = payload === 'on';
    this.report(pub);
  }
  tick(): void {}
  private report(pub: SimPublish): void {
    pub(
      `${this.base}/state`,
      JSON.stringify({ power: this.on ? 'on' : 'off', watts: this.on ? 1200 : 0 }),
      true,
    );
  }
}

/** Opens and closes now and then: open for one tick every seven. */
class SimDoor implements SimDevice {
  readonly id = 'front_door';
  private readonly base = 'simhome/front_door';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/binary_sensor/sim_front_door/config`,
      JSON.stringify({
        name: 'Front door',
        uniq_id: 'sim_front_door',
        dev_cla: 'door',
        stat_t: `${this.base}/contact`,
        pl_on: 'open',
        pl_off: 'closed',
        dev: {
          ids: 'sim_front_door',
          name: 'Front door',
          mdl: 'Contact C2',
          ...SIM_DEV,
          sa: 'Hall',
        },
      }),
      true,
    );
    pub(`${this.base}/contact`, 'closed', true);
  }
  commandTopics(): string[] {
    return [];
  }
  onCommand(): void {}
  tick(n: number, pub: SimPublish): void {
    if (n % 7 === 3) pub(`${this.base}/contact`, 'open', true);
    if (n % 7 === 4) pub(`${this.base}/contact`, 'closed', true);
  }
}

/** Setpoint and mode, one JSON state for all three state templates; the room warms towards it. */
class SimThermostat implements SimDevice {
  readonly id = 'thermostat';
  private target = 20;
  private mode = 'heat';
  private current = 19;
  private readonly base = 'simhome/thermostat';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/climate/sim_thermostat/config`,
      JSON.stringify({
        name: 'Thermostat',
        uniq_id: 'sim_thermostat',
        temp_cmd_t: `${this.base}/target/set`,
        temp_stat_t: `${this.base}/state`,
        temp_stat_tpl: '{{ value_json.target }}',
        mode_cmd_t: `${this.base}/mode/set`,
        mode_stat_t: `${this.base}/state`,
        mode_stat_tpl: '{{ value_json.mode }}',
        curr_temp_t: `${this.base}/state`,
        curr_temp_tpl: '{{ value_json.current | float | round(1) }}',
        modes: ['off', 'heat', 'auto'],
        min_temp: 5,
        max_temp: 30,
        temp_step: 0.5,
        dev: {
          ids: ['sim_thermostat'],
          name: 'Living room thermostat',
          mdl: 'TH-3',
          ...SIM_DEV,
          sa: 'Living room',
        },
      }),
      true,
    );
    this.report(pub);
  }
  commandTopics(): string[] {
    return [`${this.base}/target/set`, `${this.base}/mode/set`];
  }
  onCommand(topic: string, payload: string, pub: SimPublish): void {
    if (topic.endsWith('/target/set')) {
      const n = Number(payload);
      if (!Number.isFinite(n)) return;
      this.target = Math.max(5, Math.min(30, Math.round(n * 2) / 2));
    } else if (['off', 'heat', 'auto'].includes(payload)) this.mode = payload;
    this.report(pub);
  }
  tick(_n: number, pub: SimPublish): void {
    const goal = this.mode === 'off' ? 16 : this.target;
    this.current = Math.round((this.current + (goal - this.current) * 0.1) * 100) / 100;
    this.report(pub);
  }
  private report(pub: SimPublish): void {
    pub(
      `${this.base}/state`,
      JSON.stringify({ target: this.target, mode: this.mode, current: this.current }),
      true,
    );
  }
}

/** Device-level discovery (dev, o, cmps) sharing one state topic; values drift slowly. */
class SimClimateSensor implements SimDevice {
  readonly id = 'living_sensor';
  private readonly base = 'simhome/living_sensor';
  constructor(private readonly prefix: string) {}
  announce(pub: SimPublish): void {
    pub(
      `${this.prefix}/device/sim_living_sensor/config`,
      JSON.stringify({
        dev: {
          ids: 'sim_living_sensor',
          name: 'Living room sensor',
          mdl: 'THS-1',
          ...SIM_DEV,
          sa: 'Living room',
        },
        o: { name: 'homebeat-simhome', sw: '1.0' },
        cmps: {
          temperature: {
            p: 'sensor',
            dev_cla: 'temperature',
            unit_of_meas: '°C',
            stat_cla: 'measurement',
            val_tpl: '{{ value_json.temperature }}',
            uniq_id: 'sim_living_t',
          },
          humidity: {
            p: 'sensor',
            dev_cla: 'humidity',
            unit_of_meas: '%',
            stat_cla: 'measurement',
            val_tpl: '{{ value_json.humidity }}',
            uniq_id: 'sim_living_h',
          },
        },
        stat_t: `${this.base}/state`,
        qos: 0,
      }),
      true,
    );
    this.tick(0, pub);
  }
  commandTopics(): string[] {
    return [];
  }
  onCommand(): void {}
  tick(n: number, pub: SimPublish): void {
    const temperature = Math.round((21 + 1.5 * Math.sin(n / 12)) * 10) / 10;
    const humidity = Math.round((45 + 5 * Math.cos(n / 15)) * 10) / 10;
    pub(`${this.base}/state`, JSON.stringify({ temperature, humidity }), true);
  }
}
