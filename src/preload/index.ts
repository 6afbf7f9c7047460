import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHOD_NAMES, type EventBatch } from '../shared/contract/index.js';
import { IPC_EVENTS, IPC_REQUEST } from '../shared/ipc.js';
import type { HomebeatApi } from '../shared/api.js';

/**
 * `window.homebeat`: exactly the contract's methods, each a named function, and one event
 * subscription. ipcRenderer itself never reaches the page.
 */
const api = Object.fromEntries(
  METHOD_NAMES.map((name) => [
    name,
    (input?: unknown) => ipcRenderer.invoke(IPC_REQUEST, name, input),
  ]),
) as Omit<HomebeatApi, 'onEvents'>;

const onEvents = (listener: (batch: EventBatch) => void): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onEvents needs a function');
  const wrapped = (_e: IpcRendererEvent, batch: EventBatch) => listener(batch);
  ipcRenderer.on(IPC_EVENTS, wrapped);
  return () => {
    ipcRenderer.removeListener(IPC_EVENTS, wrapped);
  };
};

contextBridge.exposeInMainWorld(
  'homebeat',
  Object.freeze({ ...api, onEvents }) satisfies HomebeatApi,
);
