/**
 * Debian's Chromium (Playwright's own browser download is not reachable here) and the flags it
 * runs with in tests and benchmarks: no sandbox (root), no GPU, nothing that reaches the network.
 */
export const CHROMIUM = process.env.HOMEBEAT_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
