import type { HomebeatApi } from '../../../shared/api';
import { WsClient, wsApi, type LinkState } from './ws-client';

export interface Bridge {
  api: HomebeatApi;
  kind: 'preload' | 'websocket' | 'synthetic';
  /** Connection state changes; `reconnected` is true when a dropped link came back. */
  onLink(listener: (s: LinkState, reconnected: boolean) => void): () => void;
  linkState(): LinkState;
}

/** Electron's preload bridge when present, else serve's WebSocket on the page's own origin. */
export function createBridge(): Bridge {
  const preload = window.homebeat;
  if (preload) {
    return { api: preload, kind: 'preload', onLink: () => () => {}, linkState: () => 'open' };
  }
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = new WsClient({ url: `${proto}//${location.host}/ws` });
  return {
    api: wsApi(client),
    kind: 'websocket',
    onLink: (l) => client.onLink(l),
    linkState: () => client.state,
  };
}

export type { LinkState };
