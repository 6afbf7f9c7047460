import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/settings';
import type { ResultError } from '../../../shared/result';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { deviceHref } from '../router';
import { useDeviceList, useSettings, useStatus, useStore } from '../store/hooks';

const SOURCE_WORDS: Record<string, string> = {
  ha_discovery: 'Home Assistant discovery',
  zigbee2mqtt: 'Zigbee2MQTT',
  homebeat_gateway: 'another Homebeat gateway',
  ble: 'Bluetooth',
  bthome: 'BTHome',
};

type Mqtt = Settings['mqtt'];
interface Form {
  host: string;
  port: string;
  tls: boolean;
  username: string;
  password: string;
  clientId: string;
  protocolVersion: '4' | '5';
  discoveryPrefix: string;
  zigbee2mqttBase: string;
}

const toForm = (m: Mqtt): Form => ({
  host: m.host,
  port: String(m.port),
  tls: m.tls,
  username: m.username,
  password: '',
  clientId: m.clientId,
  protocolVersion: String(m.protocolVersion) as '4' | '5',
  discoveryPrefix: m.discoveryPrefix,
  zigbee2mqttBase: m.zigbee2mqttBase,
});

export function SmartHome() {
  const store = useStore();
  const settings = useSettings();
  const status = useStatus();
  const devices = useDeviceList();
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<ResultError | null>(null);
  const [test, setTest] = useState<{ ok: boolean; message: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const [saved, setSaved] = useState('');

  useEffect(() => {
    if (settings && !form) setForm(toForm(settings.mqtt));
  }, [settings, form]);

  const mqtt = status?.mqtt;
  const discovered = devices.filter((d) => d.transport === 'mqtt');
  const set = <K extends keyof Form>(k: K, v: Form[K]) => form && setForm({ ...form, [k]: v });
  const fieldErr = (f: string) =>
    error?.field && (error.field === f || error.field === `mqtt.${f}`) ? error.message : null;

  const testConnection = async () => {
    if (!form) return;
    setTesting(true);
    setTest(null);
    setError(null);
    const r = await store.api.testConnection({
      host: form.host.trim(),
      port: Number(form.port),
      tls: form.tls,
      username: form.username,
      ...(form.password ? { password: form.password } : {}),
      protocolVersion: form.protocolVersion === '5' ? 5 : 4,
    });
    setTesting(false);
    if (r.ok) setTest(r.value);
    else setError(r.error);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setSaved('');
    setError(null);
    if (form.password) {
      // Bound to the broker it is typed for: never sent to another host or port.
      const p = await store.api.setMqttPassword({
        password: form.password,
        ...(form.host.trim() ? { host: form.host.trim(), port: Number(form.port) } : {}),
      });
      if (!p.ok) return setError({ ...p.error, field: p.error.field ?? 'password' });
    }
    const r = await store.api.updateSettings({
      mqtt: {
        host: form.host.trim(),
        port: Number(form.port),
        tls: form.tls,
        username: form.username,
        clientId: form.clientId,
        protocolVersion: form.protocolVersion === '5' ? 5 : 4,
        discoveryPrefix: form.discoveryPrefix,
        zigbee2mqttBase: form.zigbee2mqttBase,
        ...(form.password ? { hasPassword: true } : {}),
      },
    });
    if (r.ok) {
      store.setSettings(r.value);
      setForm({ ...toForm(r.value.mqtt) });
      setSaved(
        form.host
          ? 'Saved. Homebeat reconnects with the new settings.'
          : 'Saved. The embedded broker is used.',
      );
    } else setError(r.error);
  };

  return (
    <section className="page" aria-labelledby="sh-title">
      <header className="page-head">
        <h1 id="sh-title">Smart home</h1>
      </header>
      <section className="panel" aria-labelledby="conn-title">
        <h2 id="conn-title">Connection</h2>
        {!mqtt ? (
          <p className="muted">Waiting for the engine’s status…</p>
        ) : (
          <>
            <p>
              <span
                className={`badge ${mqtt.state === 'connected' ? 'ok' : mqtt.state === 'error' || mqtt.state === 'reconnecting' ? 'bad' : 'muted'}`}
                data-mqtt-state={mqtt.state}
              >
                {mqtt.state}
              </span>{' '}
              {mqtt.url && <code>{mqtt.url}</code>}
              {mqtt.state === 'disabled' && ' MQTT is not running in this build or is turned off.'}
            </p>
            {mqtt.reason && <p>Reason: {mqtt.reason}</p>}
            {mqtt.state === 'reconnecting' && mqtt.nextDelayMs !== undefined && (
              <p className="muted">
                Attempt {mqtt.attempt ?? 0}; next try in {Math.round(mqtt.nextDelayMs / 1000)} s.
              </p>
            )}
            <p>
              Embedded broker:{' '}
              {mqtt.embedded ? (
                mqtt.embedded.running ? (
                  <span data-embedded-port={mqtt.embedded.port}>
                    running on {mqtt.embedded.host}:{mqtt.embedded.port}
                  </span>
                ) : (
                  'stopped'
                )
              ) : (
                'not in use (an external broker is configured)'
              )}
            </p>
            <p>Messages waiting to be sent: {mqtt.outboxPending}</p>
            {!!mqtt.outboxDropped && (
              <p className="muted" data-outbox-dropped={mqtt.outboxDropped}>
                {mqtt.outboxDropped} of the oldest events were dropped while the outbox was full.
              </p>
            )}
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="broker-title">
        <h2 id="broker-title">Broker</h2>
        <p className="muted">
          Leave the host empty to use Homebeat’s embedded broker. Point it at your Home Assistant or
          Mosquitto broker to share devices.
        </p>
        {!form ? (
          <p className="muted">Loading settings…</p>
        ) : (
          <form
            className="form"
            onSubmit={(e) => void save(e)}
            noValidate
            aria-label="Broker settings"
          >
            <Field label="Host" error={fieldErr('host')}>
              <input
                value={form.host}
                onChange={(e) => set('host', e.target.value)}
                placeholder="e.g. 192.168.1.10 (empty: embedded)"
              />
            </Field>
            <Field label="Port" error={fieldErr('port')}>
              <input
                inputMode="numeric"
                value={form.port}
                onChange={(e) => set('port', e.target.value)}
              />
            </Field>
            <label className="check">
              <input
                type="checkbox"
                checked={form.tls}
                onChange={(e) => set('tls', e.target.checked)}
              />{' '}
              Use TLS
            </label>
            <Field label="Username" error={fieldErr('username')}>
              <input
                value={form.username}
                autoComplete="username"
                onChange={(e) => set('username', e.target.value)}
              />
            </Field>
            <Field
              label="Password"
              error={fieldErr('password')}
              hint={
                settings?.mqtt.hasPassword ? 'A password is stored; type to replace it.' : undefined
              }
            >
              <input
                type="password"
                value={form.password}
                autoComplete="current-password"
                onChange={(e) => set('password', e.target.value)}
              />
            </Field>
            <Field
              label="Client id"
              error={fieldErr('clientId')}
              hint="Empty: generated from the gateway id."
            >
              <input value={form.clientId} onChange={(e) => set('clientId', e.target.value)} />
            </Field>
            <Field label="Protocol" error={fieldErr('protocolVersion')}>
              <select
                value={form.protocolVersion}
                onChange={(e) => set('protocolVersion', e.target.value as '4' | '5')}
              >
                <option value="4">MQTT 3.1.1</option>
                <option value="5">MQTT 5</option>
              </select>
            </Field>
            <Field label="Home Assistant discovery prefix" error={fieldErr('discoveryPrefix')}>
              <input
                value={form.discoveryPrefix}
                onChange={(e) => set('discoveryPrefix', e.target.value)}
              />
            </Field>
            <Field label="Zigbee2MQTT base topic" error={fieldErr('zigbee2mqttBase')}>
              <input
                value={form.zigbee2mqttBase}
                onChange={(e) => set('zigbee2mqttBase', e.target.value)}
              />
            </Field>
            <div className="btn-row">
              <button
                type="button"
                disabled={testing || !form.host.trim()}
                onClick={() => void testConnection()}
              >
                {testing ? 'Testing…' : 'Test connection'}
              </button>
              <button type="submit" className="primary">
                Save
              </button>
            </div>
            {test && (
              <p
                className={`notice ${test.ok ? 'ok' : 'error'}`}
                role="status"
                data-test-result={test.ok ? 'ok' : 'failed'}
              >
                {test.ok ? 'Connected: ' : 'Could not connect: '}
                {test.message}
              </p>
            )}
            {saved && <p role="status">{saved}</p>}
            {error && !fieldErr(error.field?.replace(/^mqtt\./, '') ?? '') && (
              <ErrorNote error={error} what="The broker settings" />
            )}
          </form>
        )}
      </section>

      <section className="panel" aria-labelledby="disc-title">
        <h2 id="disc-title">Discovered devices</h2>
        {discovered.length === 0 ? (
          <p className="muted">
            None yet. Devices announced through Home Assistant discovery (under “
            {settings?.mqtt.discoveryPrefix ?? 'homeassistant'}/”) or Zigbee2MQTT (“
            {settings?.mqtt.zigbee2mqttBase ?? 'zigbee2mqtt'}/bridge/devices”) appear here once the
            broker is connected.
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Source</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {discovered.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={deviceHref(d.id)}>{d.name}</a>
                  </td>
                  <td>{d.kind.replace(/_/g, ' ')}</td>
                  <td>{SOURCE_WORDS[d.source] ?? d.source}</td>
                  <td>{d.online ? 'online' : 'away'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
