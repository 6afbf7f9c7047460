/** Channel names shared by the Electron main process and the preload. */
export const IPC_REQUEST = 'homebeat:request';
export const IPC_EVENTS = 'homebeat:events';
