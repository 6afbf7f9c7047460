import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { ScanResult } from '../../../shared/contract/index';
import type { ResultError } from '../../../shared/result';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { deviceHref } from '../router';
import { useDeviceList, useEpoch, useStatus, useStore, useTopic } from '../store/hooks';
import { ago } from '../store/primary';

const ADAPTER_WORDS: Record<string, string> = {
  unavailable: 'Unavailable',
  poweredOff: 'Turned off',
  idle: 'Ready',
  scanning: 'Scanning',
};

/** What the user can do about an adapter that is not ready. */
function adapterAdvice(state: string): ReactNode {
  if (state === 'poweredOff')
    return 'Turn Bluetooth on in your system settings; Homebeat picks it up by itself.';
  if (state === 'unavailable')
    return (
      <>
        Check that this computer has a Bluetooth adapter and that BlueZ (bluetoothd) is running. On
        Linux, serve needs permission for raw HCI sockets:{' '}
        <code>sudo setcap cap_net_raw+eip $(readlink -f $(which node))</code>. Everything else in
        Homebeat keeps working meanwhile.
      </>
    );
  return null;
}

export function Bluetooth() {
  const store = useStore();
  const status = useStatus();
  const epoch = useEpoch();
  const scan = useTopic('scan', (s) => s.scanResults);
  const steps = useTopic('pair', (s) => s.pairSteps);
  const devices = useDeviceList();
  const [error, setError] = useState<ResultError | null>(null);
  const [busy, setBusy] = useState(false);
  const ble = status?.ble;

  useEffect(() => {
    void store.api.listScanResults().then((r) => {
      if (r.ok) store.replaceScanResults(r.value);
      else if (r.error.code === 'unavailable') setError(r.error);
    });
  }, [store, epoch]);

  const run = async (fn: () => Promise<{ ok: boolean; error?: ResultError }>) => {
    setBusy(true);
    setError(null);
    const r = await fn();
    setBusy(false);
    if (!r.ok && r.error) setError(r.error);
  };

  // A stable order (name, then address): rows that jumped with every RSSI change could not be clicked.
  const results = useMemo(
    () =>
      [...scan.values()].sort(
        (a, b) => (a.name || '~').localeCompare(b.name || '~') || a.id.localeCompare(b.id),
      ),
    [scan],
  );
  const paired = devices.filter((d) => d.paired);
  const scanning = ble?.adapter === 'scanning';
  const advice = ble ? adapterAdvice(ble.adapter) : null;

  return (
    <section className="page" aria-labelledby="bt-title">
      <header className="page-head">
        <h1 id="bt-title">Bluetooth</h1>
      </header>
      <section className="panel" aria-labelledby="adapter-title">
        <h2 id="adapter-title">Adapter</h2>
        {!ble ? (
          <p className="muted">Waiting for the engine’s status…</p>
        ) : (
          <>
            <p>
              <span
                className={`badge ${ble.adapter === 'unavailable' || ble.adapter === 'poweredOff' ? 'bad' : 'ok'}`}
                data-adapter={ble.adapter}
              >
                {ADAPTER_WORDS[ble.adapter] ?? ble.adapter}
              </span>{' '}
              {ble.simulated && <span className="badge muted">simulated radio</span>}{' '}
              {ble.connected} connected · {ble.paired} paired
            </p>
            {ble.reason && <p>Reason: {ble.reason}</p>}
            {advice && <p className="advice">{advice}</p>}
          </>
        )}
        <div className="btn-row">
          <button
            type="button"
            disabled={busy || !ble || ble.adapter === 'unavailable' || ble.adapter === 'poweredOff'}
            onClick={() =>
              void run(() => (scanning ? store.api.stopScan() : store.api.startScan()))
            }
          >
            {scanning ? 'Stop scanning' : 'Scan for devices'}
          </button>
        </div>
        {error && <ErrorNote error={error} what="Bluetooth" />}
      </section>

      <section className="panel" aria-labelledby="found-title">
        <h2 id="found-title">Nearby devices</h2>
        {results.length === 0 ? (
          <p className="muted">
            {ble && (ble.adapter === 'unavailable' || ble.adapter === 'poweredOff')
              ? 'Scanning needs a working adapter (see above).'
              : scanning
                ? 'Listening… devices appear here as they advertise.'
                : 'Nothing found yet. Press “Scan for devices” and wake your device (e.g. put the strap on).'}
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Signal</th>
                <th scope="col">Kind</th>
                <th scope="col">Seen</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <ScanRow
                  key={r.id}
                  r={r}
                  steps={steps.filter((s) => s.id === r.id)}
                  onError={setError}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="paired-title">
        <h2 id="paired-title">Paired devices</h2>
        {paired.length === 0 ? (
          <p className="muted">No paired devices. Pair one from the list above.</p>
        ) : (
          <ul className="plain-list">
            {paired.map((d) => (
              <li key={d.id}>
                <a href={deviceHref(d.id)}>{d.name}</a> <code>{d.id}</code>{' '}
                <span className={`badge ${d.online ? 'ok' : 'muted'}`}>
                  {d.online ? 'connected' : 'away'}
                </span>{' '}
                <button
                  type="button"
                  onClick={() => {
                    if (confirm(`Forget ${d.name}? Its stored readings stay.`))
                      void run(() => store.api.forgetDevice({ id: d.id }));
                  }}
                >
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <BindKeyForm />
    </section>
  );
}

function ScanRow({
  r,
  steps,
  onError,
}: {
  r: ScanResult;
  steps: { step: string; done: boolean; error?: string }[];
  onError: (e: ResultError | null) => void;
}) {
  const store = useStore();
  const [asked, setAsked] = useState(false);
  const last = steps[steps.length - 1];
  const pairing = asked && !(last?.done || last?.error);
  const pair = async () => {
    setAsked(true);
    onError(null);
    const res = await store.api.pairDevice({ id: r.id });
    if (!res.ok) {
      setAsked(false);
      onError(res.error);
    }
  };
  return (
    <tr data-scan-id={r.id}>
      <td>{r.name || <span className="muted">(no name)</span>}</td>
      <td>
        <code>{r.id}</code>
      </td>
      <td>
        <meter min={-100} max={-30} value={r.rssi} aria-label={`Signal ${r.rssi} dBm`} /> {r.rssi}{' '}
        dBm
      </td>
      <td>{r.kind ?? '—'}</td>
      <td>{ago(r.lastSeen)}</td>
      <td>
        {r.paired || last?.done ? (
          <span className="badge ok">paired</span>
        ) : (
          <button type="button" disabled={pairing || !r.connectable} onClick={() => void pair()}>
            {pairing ? 'Pairing…' : r.connectable ? 'Pair' : 'Broadcast only'}
          </button>
        )}
        {steps.length > 0 && (
          <ol className="pair-steps" aria-live="polite">
            {steps.map((s, i) => (
              <li key={i} className={s.error ? 'bad' : s.done ? 'ok' : ''}>
                {s.step}
                {s.error ? `: ${s.error}` : ''}
              </li>
            ))}
          </ol>
        )}
      </td>
    </tr>
  );
}

function BindKeyForm() {
  const store = useStore();
  const [id, setId] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<ResultError | null>(null);
  const [saved, setSaved] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved('');
    const r = await store.api.setBindKey({ id: id.trim(), key: key.trim() });
    if (r.ok) {
      setSaved(`Key stored for ${r.value.id}. Encrypted readings from it will now decode.`);
      setKey('');
      setError(null);
    } else setError(r.error);
  };
  const fieldErr = (f: string) => (error?.field === f ? error.message : null);
  return (
    <section className="panel" aria-labelledby="bindkey-title">
      <h2 id="bindkey-title">BTHome encryption key</h2>
      <p className="muted">
        Sensors that encrypt their broadcasts (BTHome v2) need the 32-character bind key shown by
        their configuration tool.
      </p>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <Field label="Sensor address" error={fieldErr('id')}>
          <input
            value={id}
            onChange={(e) => setId(e.target.value)}
            placeholder="aa:bb:cc:dd:ee:ff"
            autoComplete="off"
          />
        </Field>
        <Field label="Bind key" error={fieldErr('key')}>
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="32 hex characters"
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <button type="submit">Save key</button>
        {saved && <p role="status">{saved}</p>}
        {error && !error.field && <ErrorNote error={error} what="Saving the key" />}
      </form>
    </section>
  );
}
