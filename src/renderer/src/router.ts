import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'overview' }
  | { page: 'device'; id: string }
  | { page: 'bluetooth' }
  | { page: 'smarthome' }
  | { page: 'rules' }
  | { page: 'activity' }
  | { page: 'settings' }
  | { page: 'notfound'; path: string };

/** Parses "#/device/<id>" (or a notification target "/device/<id>") into a route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { page: 'overview' };
  const [head, ...rest] = parts;
  switch (head) {
    case 'device':
      if (rest.length) return { page: 'device', id: safeDecode(rest.join('/')) };
      return { page: 'notfound', path };
    case 'bluetooth':
    case 'smarthome':
    case 'rules':
    case 'activity':
    case 'settings':
      return { page: head };
    default:
      return { page: 'notfound', path };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const deviceHref = (id: string): string => `#/device/${encodeURIComponent(id)}`;

/** A notification target ("/device/x") as a link the hash router understands. */
export const targetHref = (target: string): string =>
  `#${target.startsWith('/') ? target : `/${target}`}`;

const subscribe = (l: () => void) => {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
