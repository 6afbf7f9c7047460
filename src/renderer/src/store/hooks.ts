import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { Store, DeviceEntry } from './store';

export const StoreContext = createContext<Store | null>(null);

export function useStore(): Store {
  const s = useContext(StoreContext);
  if (!s) throw new Error('StoreContext missing');
  return s;
}

/** Re-renders when `topic` is notified; `read` must return a stable value between changes. */
export function useTopic<T>(topic: string, read: (s: Store) => T): T {
  const store = useStore();
  const subscribe = useCallback((l: () => void) => store.subscribe(topic, l), [store, topic]);
  return useSyncExternalStore(subscribe, () => read(store));
}

export const useStatus = () => useTopic('status', (s) => s.status);
export const useSettings = () => useTopic('settings', (s) => s.settings);
export const useLink = () => useTopic('link', (s) => s.link);
export const useEpoch = () => useTopic('epoch', (s) => s.epoch);
export const useDeviceList = () => useTopic('list', (s) => s.deviceList());

/** One device's entry; `live` false (a card scrolled out of view) stops listening for changes. */
export function useDeviceEntry(id: string, live = true): DeviceEntry | undefined {
  const store = useStore();
  const subscribe = useCallback(
    (l: () => void) => (live ? store.subscribe(`dev:${id}`, l) : () => {}),
    [store, id, live],
  );
  return useSyncExternalStore(subscribe, () => store.entries.get(id));
}
