/**
 * A Zigbee2MQTT-like bridge for the simulated smart home: `bridge/state`, a retained
 * `bridge/devices` list with exposes, each device's JSON state and availability, and answers to
 * `<base>/<friendly_name>/set` with the new state, as Zigbee2MQTT does.
 */
import type { SimDevice, SimPublish } from './sim-device.js';

type State = Record<string, unknown>;

interface Spec {
  ieee: string;
  name: string;
  model: string;
  vendor: string;
  description: string;
  type: 'Router' | 'EndDevice';
  exposes: unknown[];
  state: State;
  /** Properties a /set may change, with a clamp. */
  settable: Record<string, (v: unknown, s: State) => unknown>;
  tick?: (n: number, s: State) => void;
}

const bin = (name: string, access: number, on: unknown = 'ON', off: unknown = 'OFF') => ({
  type: 'binary',
  name,
  property: name,
  access,
  value_on: on,
  value_off: off,
});
const numeric = (
  name: string,
  access: number,
  unit?: string,
  min?: number,
  max?: number,
  step?: number,
) => ({
  type: 'numeric',
  name,
  property: name,
  access,
  ...(unit ? { unit } : {}),
  ...(min !== undefined ? { value_min: min, value_max: max } : {}),
  ...(step ? { value_step: step } : {}),
});
/** About the device itself, as zigbee-herdsman-converters marks battery, voltage and link quality. */
const diagnostic = <T extends object>(e: T) => ({ ...e, category: 'diagnostic' });
const clamp = (lo: number, hi: number) => (v: unknown) =>
  typeof v === 'number' ? Math.max(lo, Math.min(hi, v)) : undefined;
const onOff = (v: unknown, s: State) =>
  v === 'TOGGLE' ? (s.state === 'ON' ? 'OFF' : 'ON') : v === 'ON' || v === 'OFF' ? v : undefined;

function specs(): Spec[] {
  return [
    {
      ieee: '0x000b57fffe1a2b01',
      name: 'living_room/bulb',
      model: 'LED1545G12',
      vendor: 'IKEA',
      type: 'Router',
      description: 'TRADFRI bulb E27, white spectrum (simulated)',
      exposes: [
        {
          type: 'light',
          features: [
            bin('state', 7),
            numeric('brightness', 7, undefined, 0, 254),
            numeric('color_temp', 7, 'mired', 250, 454),
          ],
        },
        diagnostic(numeric('linkquality', 1, 'lqi', 0, 255)),
      ],
      state: { state: 'OFF', brightness: 120, color_temp: 370, linkquality: 120 },
      settable: { state: onOff, brightness: clamp(0, 254), color_temp: clamp(250, 454) },
    },
    {
      ieee: '0x0c4314fffe2c3d02',
      name: 'kitchen/plug',
      model: 'ZBMINI',
      vendor: 'SONOFF',
      type: 'Router',
      description: 'Smart plug with power metering (simulated)',
      exposes: [
        { type: 'switch', features: [bin('state', 7)] },
        numeric('power', 5, 'W'),
        numeric('energy', 5, 'kWh'),
      ],
      state: { state: 'ON', power: 3.5, energy: 12.4 },
      settable: { state: onOff },
      tick: (n, s) => {
        s.power = s.state === 'ON' ? Math.round((3 + 2 * Math.abs(Math.sin(n / 5))) * 10) / 10 : 0;
        s.energy = Math.round(((s.energy as number) + (s.power as number) / 720000) * 1000) / 1000;
      },
    },
    {
      ieee: '0x84fd27fffe3e4f03',
      name: 'bedroom/radiator',
      model: 'SPZB0001',
      vendor: 'Eurotronic',
      type: 'EndDevice',
      description: 'Radiator thermostat (simulated)',
      exposes: [
        {
          type: 'climate',
          features: [
            numeric('occupied_heating_setpoint', 7, '°C', 5, 30, 0.5),
            numeric('local_temperature', 5, '°C'),
            {
              type: 'enum',
              name: 'system_mode',
              property: 'system_mode',
              access: 7,
              values: ['off', 'auto', 'heat'],
            },
          ],
        },
        diagnostic(numeric('battery', 5, '%', 0, 100)),
      ],
      state: {
        occupied_heating_setpoint: 19,
        local_temperature: 18.2,
        system_mode: 'heat',
        battery: 87,
      },
      settable: {
        occupied_heating_setpoint: clamp(5, 30),
        system_mode: (v) => (['off', 'auto', 'heat'].includes(String(v)) ? v : undefined),
      },
      tick: (_n, s) => {
        const goal = s.system_mode === 'off' ? 15 : (s.occupied_heating_setpoint as number);
        const t = s.local_temperature as number;
        s.local_temperature = Math.round((t + (goal - t) * 0.1) * 100) / 100;
      },
    },
    {
      ieee: '0x00158d0004a5b604',
      name: 'hall/motion',
      model: 'RTCGQ11LM',
      vendor: 'Aqara',
      type: 'EndDevice',
      description: 'Motion and illuminance sensor (simulated)',
      exposes: [
        bin('occupancy', 1, true, false),
        numeric('illuminance', 1, 'lx'),
        diagnostic(numeric('battery', 1, '%', 0, 100)),
        diagnostic(numeric('voltage', 1, 'mV')),
      ],
      state: { occupancy: false, illuminance: 120, battery: 94, voltage: 3005 },
      settable: {},
      tick: (n, s) => {
        s.occupancy = n % 5 === 2;
        s.illuminance = Math.round(150 + 100 * Math.sin(n / 20));
      },
    },
    {
      // Zigbee2MQTT's contact is true while the contact is made: false is an open door.
      ieee: '0x00158d0005c6d705',
      name: 'back/door',
      model: 'MCCGQ11LM',
      vendor: 'Aqara',
      type: 'EndDevice',
      description: 'Door and window sensor (simulated)',
      exposes: [
        bin('contact', 1, false, true),
        diagnostic(numeric('battery', 1, '%', 0, 100)),
        diagnostic(numeric('voltage', 1, 'mV')),
      ],
      state: { contact: true, battery: 88, voltage: 2995 },
      settable: {},
      tick: (n, s) => {
        s.contact = n % 7 !== 3;
      },
    },
  ];
}

export class SimZ2mBridge implements SimDevice {
  readonly id = 'zigbee2mqtt';
  private readonly devices = specs();

  constructor(private readonly base: string) {}

  announce(pub: SimPublish): void {
    pub(`${this.base}/bridge/state`, JSON.stringify({ state: 'online' }), true);
    const list = [
      {
        ieee_address: '0x00124b0024c2a1b0',
        type: 'Coordinator',
        network_address: 0,
        friendly_name: 'Coordinator',
        supported: true,
        disabled: false,
        definition: null,
        interview_completed: true,
      },
      ...this.devices.map((d, i) => ({
        ieee_address: d.ieee,
        type: d.type,
        network_address: 0x1000 + i,
        friendly_name: d.name,
        supported: true,
        disabled: false,
        interview_completed: true,
        manufacturer: d.vendor,
        model_id: d.model,
        power_source: d.type === 'Router' ? 'Mains (single phase)' : 'Battery',
        definition: {
          model: d.model,
          vendor: d.vendor,
          description: d.description,
          exposes: d.exposes,
          options: [],
          supports_ota: false,
        },
      })),
    ];
    pub(`${this.base}/bridge/devices`, JSON.stringify(list), true);
    for (const d of this.devices) {
      pub(`${this.base}/${d.name}/availability`, JSON.stringify({ state: 'online' }), true);
      this.report(d, pub);
    }
  }

  commandTopics(): string[] {
    return this.devices
      .filter((d) => Object.keys(d.settable).length)
      .map((d) => `${this.base}/${d.name}/set`);
  }

  /** The friendly names, so a test can mute one device. */
  names(): string[] {
    return this.devices.map((d) => d.name);
  }

  onCommand(topic: string, payload: string, pub: SimPublish, muted: (id: string) => boolean): void {
    const d = this.devices.find((x) => topic === `${this.base}/${x.name}/set`);
    if (!d || muted(d.name)) return;
    let cmd: unknown;
    try {
      cmd = JSON.parse(payload);
    } catch {
      return; // Zigbee2MQTT logs and ignores a /set that is not JSON
    }
    if (typeof cmd !== 'object' || cmd === null) return;
    for (const [k, v] of Object.entries(cmd)) {
      const apply = d.settable[k];
      const next = apply?.(v, d.state);
      if (next !== undefined) d.state[k] = next;
    }
    if ('brightness' in cmd && (d.state.brightness as number) > 0) d.state.state = 'ON';
    this.report(d, pub);
  }

  tick(n: number, pub: SimPublish): void {
    for (const d of this.devices) {
      if (!d.tick) continue;
      d.tick(n, d.state);
      this.report(d, pub);
    }
  }

  private report(d: Spec, pub: SimPublish): void {
    pub(`${this.base}/${d.name}`, JSON.stringify(d.state), true);
  }
}
