import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBridge, type Bridge } from './bridge/index';
import { enableBrowserNotifications, showBrowserNotification } from './browser-notify';
import { targetHref } from './router';
import { Store } from './store/store';
import { StoreContext } from './store/hooks';
import './styles.css';

async function boot(): Promise<void> {
  let bridge: Bridge;
  // ?bench swaps in a synthetic engine (bench/dashboard.ts); it is a separate chunk, loaded only then.
  if (new URLSearchParams(location.search).has('bench')) {
    const { createBenchBridge } = await import('./bench/synthetic');
    bridge = createBenchBridge();
  } else {
    bridge = createBridge();
  }
  const store = new Store(bridge.api, bridge);
  store.onNavigate = (route) => {
    location.hash = targetHref(route);
  };
  if (bridge.kind === 'websocket') {
    enableBrowserNotifications((route) => store.onNavigate?.(route));
    store.onNotification = showBrowserNotification;
  }
  store.start();
  // Tests and the bench read this; it holds nothing the page does not already show.
  (window as unknown as { __homebeat: unknown }).__homebeat = { store, bridge: bridge.kind };
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}

void boot();
