/// <reference types="vite/client" />
import type { HomebeatApi } from '../../shared/api';

declare global {
  interface Window {
    /** Present in Electron (the preload's contextBridge); absent when served by `homebeat serve`. */
    homebeat?: HomebeatApi;
  }
}

export {};
