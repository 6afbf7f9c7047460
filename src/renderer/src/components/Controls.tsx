import { useEffect, useRef, useState } from 'react';
import type { CommandState } from '../../../shared/contract/index';
import type { Device, DeviceControl } from '../../../shared/model';
import type { ResultError } from '../../../shared/result';
import { useStore, useTopic } from '../store/hooks';
import { ErrorNote } from './ErrorNote';

type Command = Record<string, string | number | boolean>;

/** The state the device last reported for one entity. */
function entityState(d: Device, c: DeviceControl): Record<string, unknown> {
  const s = d.state ?? {};
  const own = s[c.entity];
  if (own && typeof own === 'object') return own as Record<string, unknown>;
  return (d.controls?.length ?? 0) <= 1 ? s : {};
}

/** The newest command sent to this entity, as the engine reports it. */
function useLastCommand(deviceId: string, entity: string): CommandState | undefined {
  return useTopic('commands', (s) => {
    let last: CommandState | undefined;
    for (const c of s.commands.values())
      if (c.deviceId === deviceId && c.entity === entity && (!last || c.ts >= last.ts)) last = c;
    return last;
  });
}

export function Controls({ device }: { device: Device }) {
  if (!device.controls?.length) return null;
  return (
    <section className="controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Controls</h2>
      <ul>
        {device.controls.map((c) => (
          <ControlRow key={c.entity} device={device} control={c} />
        ))}
      </ul>
    </section>
  );
}

function ControlRow({ device, control: c }: { device: Device; control: DeviceControl }) {
  const store = useStore();
  const st = entityState(device, c);
  const last = useLastCommand(device.id, c.entity);
  const [error, setError] = useState<ResultError | null>(null);
  const send = async (command: Command) => {
    setError(null);
    const r = await store.api.sendCommand({ deviceId: device.id, entity: c.entity, command });
    if (r.ok) store.setCommand(r.value);
    else {
      // A refused command (no broker, bad value) is a failed one, shown where the others are.
      store.setCommand({
        id: `refused-${Date.now()}`,
        deviceId: device.id,
        entity: c.entity,
        state: 'failed',
        reason: r.error.message,
        ts: Date.now(),
      });
      if (r.error.code === 'invalid_input') setError(r.error);
    }
  };
  const on = String(st.state ?? '').toUpperCase() === 'ON';
  return (
    <li className="control" data-entity={c.entity}>
      <span className="control-name">{c.name || c.entity}</span>
      {(c.kind === 'switch' || c.kind === 'light') && (
        <button
          type="button"
          role="switch"
          aria-checked={on}
          className={`toggle ${on ? 'on' : ''}`}
          onClick={() => void send({ state: on ? 'OFF' : 'ON' })}
        >
          {on ? 'On' : 'Off'}
        </button>
      )}
      {c.kind === 'light' && c.brightness && (
        <Slider
          label="Brightness"
          unit="%"
          min={0}
          max={100}
          step={1}
          value={num(st.brightness, 0)}
          onCommit={(v) => void send({ brightness: v })}
        />
      )}
      {c.kind === 'climate' && c.setpoint && (
        <Slider
          label="Setpoint"
          unit="°C"
          min={c.setpoint.min}
          max={c.setpoint.max}
          step={c.setpoint.step}
          value={num(st.setpoint ?? st.temperature, c.setpoint.min)}
          onCommit={(v) => void send({ setpoint: v })}
        />
      )}
      {c.kind === 'climate' && c.modes?.length ? (
        <label>
          Mode{' '}
          <select
            value={String(st.mode ?? '')}
            onChange={(e) => void send({ mode: e.target.value })}
          >
            {c.modes.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
      ) : null}
      {c.kind === 'cover' && (
        <span role="group" aria-label={`${c.name} cover`} className="btn-row">
          <span className="muted">
            {st.position !== undefined ? `${num(st.position, 0)} % open` : String(st.state ?? '')}
          </span>
          {(['OPEN', 'STOP', 'CLOSE'] as const).map((s) => (
            <button key={s} type="button" onClick={() => void send({ state: s })}>
              {s.toLowerCase()}
            </button>
          ))}
        </span>
      )}
      {c.kind === 'lock' && (
        <span className="btn-row">
          <span className="muted">{String(st.state ?? 'unknown').toLowerCase()}</span>
          <button type="button" onClick={() => void send({ state: 'LOCK' })}>
            lock
          </button>
          <button type="button" onClick={() => void send({ state: 'UNLOCK' })}>
            unlock
          </button>
        </span>
      )}
      {c.kind === 'button' && (
        <button type="button" onClick={() => void send({ press: true })}>
          press
        </button>
      )}
      <CommandBadge last={last} />
      {error && <ErrorNote error={error} what="The command" />}
    </li>
  );
}

function CommandBadge({ last }: { last?: CommandState }) {
  if (!last) return <span className="cmd-state" />;
  const text =
    last.state === 'pending'
      ? 'pending…'
      : last.state === 'confirmed'
        ? 'confirmed'
        : `failed${last.reason ? `: ${last.reason}` : ''}`;
  return (
    <span className={`cmd-state badge ${last.state}`} role="status" data-state={last.state}>
      {text}
    </span>
  );
}

/** A range input that sends once the user lets go, not on every step. */
function Slider(p: {
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onCommit: (v: number) => void;
}) {
  const [v, setV] = useState(p.value);
  const dragging = useRef(false);
  useEffect(() => {
    if (!dragging.current) setV(p.value);
  }, [p.value]);
  const commit = () => {
    dragging.current = false;
    if (v !== p.value) p.onCommit(v);
  };
  return (
    <label className="slider">
      {p.label}{' '}
      <input
        type="range"
        min={p.min}
        max={p.max}
        step={p.step}
        value={v}
        aria-valuetext={`${v} ${p.unit}`}
        onChange={(e) => {
          dragging.current = true;
          setV(Number(e.target.value));
        }}
        onPointerUp={commit}
        onKeyUp={commit}
        onBlur={() => dragging.current && commit()}
      />
      <output>
        {v} {p.unit}
      </output>
    </label>
  );
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : Number(v) || d);
