import type { DeviceKind } from '../../../shared/model';

/** Simple stroked outlines, one per kind family; no icon font, nothing fetched. */
const PATHS: Record<string, string> = {
  heart:
    'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z M6 12h3l1.5-3 2 6 1.5-3h4',
  thermo: 'M10 4a2 2 0 0 1 4 0v9.5a4 4 0 1 1-4 0z M12 9v7',
  scale: 'M4 6h16v14H4z M8 10a4 4 0 0 1 8 0 M12 10l1.5-2',
  drop: 'M12 3s6 7 6 11a6 6 0 0 1-12 0c0-4 6-11 6-11z',
  bike: 'M6 17a3 3 0 1 0 0-.01 M18 17a3 3 0 1 0 0-.01 M6 17l4-8h5l3 8 M10 9l3 8',
  run: 'M13 4a1.5 1.5 0 1 0 0 .01 M8 21l3-6 3 2v4 M6 12l3-3h4l2 3h3 M11 9l-1 6',
  sensor: 'M5 12a7 7 0 0 1 14 0 M8 12a4 4 0 0 1 8 0 M12 12v8',
  bulb: 'M9 18h6 M10 21h4 M8 14a5 5 0 1 1 8 0c-1 1-1 2-1 3H9c0-1 0-2-1-3z',
  power: 'M12 3v8 M7 6a7 7 0 1 0 10 0',
  door: 'M6 3h12v18H6z M14 12h1',
  climate: 'M12 3v18 M5 7l14 10 M19 7L5 17',
  cover: 'M4 4h16v3H4z M5 7v13 M19 7v13 M5 11h14 M5 15h14',
  lock: 'M6 11h12v10H6z M9 11V7a3 3 0 0 1 6 0v4',
  button: 'M12 12a3 3 0 1 0 0-.01 M12 4a8 8 0 1 0 0 16 8 8 0 0 0 0-16',
  gateway: 'M4 14h16v6H4z M8 17h.01 M12 3v11 M8 6a6 6 0 0 1 8 0',
  other: 'M5 5h14v14H5z',
};

const FOR_KIND: Record<DeviceKind, string> = {
  heart_rate: 'heart',
  thermometer: 'thermo',
  scale: 'scale',
  blood_pressure: 'heart',
  pulse_oximeter: 'drop',
  glucose: 'drop',
  cycling: 'bike',
  running: 'run',
  sensor: 'sensor',
  light: 'bulb',
  switch: 'power',
  binary_sensor: 'door',
  climate: 'climate',
  cover: 'cover',
  lock: 'lock',
  button: 'button',
  gateway: 'gateway',
  other: 'other',
};

export function KindIcon({ kind, size = 24 }: { kind: DeviceKind; size?: number }) {
  const d = PATHS[FOR_KIND[kind] ?? 'other'];
  return (
    <svg
      className={`icon icon-${kind}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}
