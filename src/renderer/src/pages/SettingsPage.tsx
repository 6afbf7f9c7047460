import { browserNotificationPermission, requestBrowserNotifications } from '../browser-notify';
import { useState, type FormEvent } from 'react';
import type { Metric } from '../../../shared/metrics';
import type { Device } from '../../../shared/model';
import { entitiesOf } from '../../../shared/entities';
import type { ResultError } from '../../../shared/result';
import type { SettingsPatch } from '../../../shared/settings';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { useDeviceList, useSettings, useStatus, useStore } from '../store/hooks';
import { metricLabel } from '../store/primary';

const toLocalInput = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function SettingsPage() {
  const store = useStore();
  const settings = useSettings();
  const status = useStatus();
  const [error, setError] = useState<ResultError | null>(null);
  const [saved, setSaved] = useState('');
  const [retention, setRetention] = useState<string | null>(null);

  const patch = async (p: SettingsPatch, what: string) => {
    setError(null);
    setSaved('');
    const r = await store.api.updateSettings(p as Record<string, unknown>);
    if (r.ok) {
      store.setSettings(r.value);
      setSaved(`${what} saved.`);
    } else setError(r.error);
    return r.ok;
  };
  const fieldErr = (f: string) =>
    error?.field === f ? error.message.replace(/^[\w.]+: /, '') : null;
  // The host may report where data lives; older hosts do not.
  const dataDir =
    status && 'dataDir' in status ? String((status as { dataDir?: unknown }).dataDir) : null;

  if (!settings) {
    return (
      <section className="page">
        <h1>Settings</h1>
        <p className="muted">Loading settings…</p>
      </section>
    );
  }
  const g = settings.general;
  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-head">
        <h1 id="settings-title">Settings</h1>
      </header>
      {saved && (
        <p role="status" className="notice ok">
          {saved}
        </p>
      )}
      {error && !error.field && <ErrorNote error={error} what="Saving" />}
      <section className="panel form" aria-labelledby="general-title">
        <h2 id="general-title">General</h2>
        <label className="check">
          <Toggle
            value={g.startAtLogin}
            save={(v) => patch({ general: { startAtLogin: v } }, 'Start at login')}
          />{' '}
          Start Homebeat when I log in
        </label>
        <label className="check">
          <Toggle
            value={g.startHidden}
            save={(v) => patch({ general: { startHidden: v } }, 'Start hidden')}
          />{' '}
          Start hidden in the tray
        </label>
        <label className="check">
          <Toggle
            value={g.notifications}
            save={(v) => patch({ general: { notifications: v } }, 'Notifications')}
          />{' '}
          Show notifications for alerts
        </label>
        <BrowserNotifications />
        <Field label="Theme" error={fieldErr('general.theme')}>
          <select
            value={g.theme}
            onChange={(e) =>
              void patch({ general: { theme: e.target.value as typeof g.theme } }, 'Theme')
            }
          >
            <option value="system">follow the system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </Field>
        <p className="muted">
          Gateway id: <code>{g.gatewayId || '(generated at start)'}</code>
        </p>
      </section>
      <section className="panel form" aria-labelledby="sync-title">
        <h2 id="sync-title">Syncing</h2>
        <label className="check">
          <Toggle
            value={settings.schedule.paused}
            save={(v) => patch({ schedule: { paused: v } }, 'Pause')}
          />{' '}
          Pause background syncing
        </label>
      </section>
      <section className="panel form" aria-labelledby="data-title">
        <h2 id="data-title">Data</h2>
        <p>
          Data location:{' '}
          {dataDir ? (
            <code>{dataDir}</code>
          ) : (
            <span className="muted">not reported by this build (see serve’s --data-dir)</span>
          )}
        </p>
        <form
          className="inline-fields"
          onSubmit={(e) => {
            e.preventDefault();
            void patch(
              { history: { retentionDays: Number(retention ?? settings.history.retentionDays) } },
              'Retention',
            ).then((ok) => ok && setRetention(null));
          }}
        >
          <Field label="Keep readings for (days)" error={fieldErr('history.retentionDays')}>
            <input
              inputMode="numeric"
              value={retention ?? String(settings.history.retentionDays)}
              onChange={(e) => setRetention(e.target.value)}
            />
          </Field>
          <button type="submit">Save</button>
        </form>
      </section>
      <ExportForm />
    </section>
  );
}

/**
 * A checkbox for a stored setting: it flips at once (the click is acknowledged), and flips back
 * if the engine refuses the change.
 */
function Toggle({ value, save }: { value: boolean; save: (v: boolean) => Promise<boolean> }) {
  const [shown, setShown] = useState<boolean | null>(null);
  return (
    <input
      type="checkbox"
      checked={shown ?? value}
      onChange={(e) => {
        const v = e.target.checked;
        setShown(v);
        void save(v).then(() => setShown(null));
      }}
    />
  );
}

function ExportForm() {
  const store = useStore();
  const devices = useDeviceList();
  const [deviceId, setDeviceId] = useState('');
  const [metric, setMetric] = useState('');
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 7 * 86_400_000));
  const [to, setTo] = useState(() => toLocalInput(Date.now()));
  const [result, setResult] = useState<{ path: string; rows: number } | null>(null);
  const [error, setError] = useState<ResultError | null>(null);
  const [busy, setBusy] = useState(false);
  const dev = devices.find((d) => d.id === deviceId);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setError(null);
    if (!deviceId)
      return setError({ code: 'invalid_input', message: 'choose a device', field: 'deviceId' });
    setBusy(true);
    const r = await store.api.exportReadings({
      deviceId,
      ...(metric ? { metric: metric as Metric } : {}),
      from: new Date(from).getTime(),
      to: new Date(to).getTime(),
      format,
    });
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.error);
  };
  const err = (f: string) => (error?.field === f ? error.message.replace(/^[\w.]+: /, '') : null);
  return (
    <form
      className="panel form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="export-title"
      noValidate
    >
      <h2 id="export-title">Export readings</h2>
      <Field label="Device" error={err('deviceId')}>
        <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
          <option value="">choose a device</option>
          {devices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Metric" error={err('metric')}>
        <select value={metric} onChange={(e) => setMetric(e.target.value)}>
          <option value="">all metrics</option>
          {exportMetrics(dev).map((m) => (
            <option key={m} value={m}>
              {metricLabel(m)}
            </option>
          ))}
        </select>
      </Field>
      <div className="inline-fields">
        <Field label="From" error={err('from')}>
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To" error={err('to')}>
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </div>
      <fieldset className="inline-fields">
        <legend>Format</legend>
        <label className="check">
          <input
            type="radio"
            name="fmt"
            checked={format === 'csv'}
            onChange={() => setFormat('csv')}
          />{' '}
          CSV
        </label>
        <label className="check">
          <input
            type="radio"
            name="fmt"
            checked={format === 'json'}
            onChange={() => setFormat('json')}
          />{' '}
          JSON
        </label>
      </fieldset>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {result && (
        <p role="status" className="notice ok">
          Exported {result.rows.toLocaleString()} readings to <code>{result.path}</code>
        </p>
      )}
      {error && !['deviceId', 'metric', 'from', 'to'].includes(error.field ?? '') && (
        <ErrorNote error={error} what="The export" />
      )}
    </form>
  );
}

/** In a browser (serve), alerts become browser notifications once the user allows them. */
function BrowserNotifications() {
  const [permission, setPermission] = useState(browserNotificationPermission());
  if (permission === 'unsupported') return null;
  if (permission === 'granted') {
    return <p className="muted">This browser shows alerts as notifications.</p>;
  }
  if (permission === 'denied') {
    return (
      <p className="muted">
        This browser blocks notifications from this page; allow them in the site settings to see
        alerts while the tab is in the background.
      </p>
    );
  }
  return (
    <p>
      <button type="button" onClick={() => void requestBrowserNotifications().then(setPermission)}>
        Show alerts as browser notifications
      </button>
    </p>
  );
}

/** Every metric a device has readings of: its capabilities and its other entities' (battery). */
function exportMetrics(dev: Device | undefined): Metric[] {
  if (!dev) return [];
  const all = [
    ...dev.capabilities,
    ...entitiesOf(dev).flatMap((e) => (e.metric ? [e.metric] : [])),
  ];
  return [...new Set(all)];
}
