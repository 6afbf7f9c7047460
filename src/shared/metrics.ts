/**
 * The closed list of canonical metrics. Every reading carries one of these with its SI-style unit;
 * decoders convert device units (°F, lb, kPa, 1/1024 s) before a reading leaves them.
 */
export const METRICS = {
  heart_rate: { unit: 'bpm', label: 'Heart rate' },
  rr_interval: { unit: 'ms', label: 'RR interval' },
  energy_expended: { unit: 'kJ', label: 'Energy expended' },
  skin_contact: { unit: '', label: 'Skin contact' },
  temperature: { unit: '°C', label: 'Temperature' },
  humidity: { unit: '%', label: 'Humidity' },
  pressure: { unit: 'hPa', label: 'Pressure' },
  illuminance: { unit: 'lx', label: 'Illuminance' },
  weight: { unit: 'kg', label: 'Weight' },
  height: { unit: 'm', label: 'Height' },
  bmi: { unit: 'kg/m²', label: 'BMI' },
  spo2: { unit: '%', label: 'SpO₂' },
  pulse: { unit: 'bpm', label: 'Pulse' },
  perfusion_index: { unit: '%', label: 'Perfusion index' },
  systolic: { unit: 'mmHg', label: 'Systolic' },
  diastolic: { unit: 'mmHg', label: 'Diastolic' },
  mean_arterial_pressure: { unit: 'mmHg', label: 'Mean arterial pressure' },
  battery: { unit: '%', label: 'Battery' },
  voltage: { unit: 'V', label: 'Voltage' },
  current: { unit: 'A', label: 'Current' },
  energy: { unit: 'kWh', label: 'Energy' },
  steps: { unit: 'steps', label: 'Steps' },
  distance: { unit: 'm', label: 'Distance' },
  speed: { unit: 'm/s', label: 'Speed' },
  cadence: { unit: 'rpm', label: 'Cadence' },
  stride_length: { unit: 'm', label: 'Stride length' },
  power: { unit: 'W', label: 'Power' },
  co2: { unit: 'ppm', label: 'CO₂' },
  tvoc: { unit: 'µg/m³', label: 'TVOC' },
  pm25: { unit: 'µg/m³', label: 'PM2.5' },
  pm10: { unit: 'µg/m³', label: 'PM10' },
  moisture: { unit: '%', label: 'Moisture' },
  rssi: { unit: 'dBm', label: 'Signal' },
  count: { unit: '', label: 'Count' },
  /** Binary states (door open, motion, switch on): 1 or 0. */
  state: { unit: '', label: 'State' },
  brightness: { unit: '%', label: 'Brightness' },
  color_temp: { unit: 'mired', label: 'Colour temperature' },
  setpoint: { unit: '°C', label: 'Setpoint' },
  position: { unit: '%', label: 'Position' },
  glucose: { unit: 'mmol/L', label: 'Glucose' },
  generic: { unit: '', label: 'Value' },
} as const satisfies Record<string, { unit: string; label: string }>;

export type Metric = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as Metric[];

export const unitOf = (metric: Metric): string => METRICS[metric].unit;
export const isMetric = (name: string): name is Metric => Object.hasOwn(METRICS, name);
