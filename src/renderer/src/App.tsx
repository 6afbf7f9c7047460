import { useEffect, useRef, useState } from 'react';
import { Activity } from './pages/Activity';
import { Bluetooth } from './pages/Bluetooth';
import { DevicePage } from './pages/DevicePage';
import { Overview } from './pages/Overview';
import { Rules } from './pages/Rules';
import { SettingsPage } from './pages/SettingsPage';
import { SmartHome } from './pages/SmartHome';
import { targetHref, useRoute, type Route } from './router';
import { useLink, useStatus, useStore, useTopic } from './store/hooks';
import { useApplyTheme } from './theme';
import { useNow } from './components/visibility';

const NAV: { page: Route['page']; href: string; label: string }[] = [
  { page: 'overview', href: '#/', label: 'Devices' },
  { page: 'bluetooth', href: '#/bluetooth', label: 'Bluetooth' },
  { page: 'smarthome', href: '#/smarthome', label: 'Smart home' },
  { page: 'rules', href: '#/rules', label: 'Rules' },
  { page: 'activity', href: '#/activity', label: 'Activity' },
  { page: 'settings', href: '#/settings', label: 'Settings' },
];

export function App() {
  useApplyTheme();
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Move focus to the new page so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // A new page starts at its top, like a page load would.
    window.scrollTo(0, 0);
    main.current?.focus({ preventScroll: true });
  }, [route.page]);

  return (
    <div className="app">
      <a href="#main" className="skip" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" className="logo">
            <path d="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z" />
          </svg>
          Homebeat
        </div>
        <ul>
          {NAV.map((n) => (
            <li key={n.page}>
              <a
                href={n.href}
                aria-current={
                  route.page === n.page || (n.page === 'overview' && route.page === 'device')
                    ? 'page'
                    : undefined
                }
              >
                {n.label}
              </a>
            </li>
          ))}
        </ul>
        <HealthBadge />
      </nav>
      <div className="content">
        <LinkBanner />
        <Toasts />
        <main id="main" ref={main} tabIndex={-1}>
          <Page route={route} />
        </main>
      </div>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'device':
      return <DevicePage key={route.id} id={route.id} />;
    case 'bluetooth':
      return <Bluetooth />;
    case 'smarthome':
      return <SmartHome />;
    case 'rules':
      return <Rules />;
    case 'activity':
      return <Activity />;
    case 'settings':
      return <SettingsPage />;
    case 'notfound':
      return (
        <section className="page">
          <h1>Page not found</h1>
          <p>
            There is no page at <code>{route.path}</code>. <a href="#/">Go to all devices</a>.
          </p>
        </section>
      );
  }
}

function HealthBadge() {
  const status = useStatus();
  if (!status) return <p className="health muted">Connecting…</p>;
  const words = { ok: 'All good', syncing: 'Syncing', attention: 'Needs attention' }[status.health];
  return (
    <div className={`health ${status.health}`} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" /> {words}
      <div className="muted small">
        {status.deviceCount} devices{status.simulated ? ' · simulated' : ''}
        {status.state === 'paused' ? ' · paused' : ''}
      </div>
      {status.health === 'attention' && (
        <a href="#/activity" className="small">
          Why?
        </a>
      )}
    </div>
  );
}

function LinkBanner() {
  const link = useLink();
  const store = useStore();
  // The first connect takes a few milliseconds: no banner flashing on every page load.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (link !== 'connecting') return;
    const t = setTimeout(() => setSlow(true), 800);
    return () => clearTimeout(t);
  }, [link]);
  if (link === 'open' || (link === 'connecting' && !slow)) return null;
  return (
    <div className="banner" role="alert" data-link={link}>
      {link === 'reconnecting'
        ? 'Connection to Homebeat lost — reconnecting… Values shown may be out of date.'
        : 'Connecting to Homebeat…'}{' '}
      {link === 'reconnecting' && (
        <button type="button" onClick={() => void store.resync()}>
          Retry now
        </button>
      )}
    </div>
  );
}

/** Alerts and notifications pushed while the page is open, newest first, dismissable. */
function Toasts() {
  const all = useTopic('notifications', (s) => s.notifications);
  const store = useStore();
  // Shown for a minute; the Activity page keeps the alerts.
  const now = useNow(5_000, all.length > 0);
  const notes = all.filter((n) => n.ts > now - 60_000);
  if (notes.length === 0) return null;
  return (
    <div className="toasts" aria-live="polite">
      {notes.slice(0, 3).map((n) => (
        <div key={n.id} className={`toast ${n.urgency}`} role="status">
          <strong>{n.title}</strong> {n.body} {n.target && <a href={targetHref(n.target)}>Open</a>}{' '}
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => store.dismissNotification(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
