import type { HomebeatApi } from '../shared/api';

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in a browser, which uses the WebSocket. */
    homebeat?: HomebeatApi;
  }
}

export {};
