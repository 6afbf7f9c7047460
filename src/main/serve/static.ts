import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The same policy the Electron shell sets: only our own scripts, and connections to our own
 * origin only ('self' covers the same host's ws:/wss: socket in CSP Level 3; a bare `ws:` would
 * allow a WebSocket to any host).
 */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'; form-action 'self'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

/** Serves the built renderer; unknown paths fall back to index.html (hash routing needs none). */
export function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const base = resolve(root);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  let file = normalize(join(base, rel));
  if (file !== base && !file.startsWith(base + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(base, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('The dashboard is not built. Run `npm run build` first.\n');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

/** Sends one finished export file (a plain name inside the exports folder) as a download. */
export function serveExport(dir: string, name: string, res: ServerResponse): void {
  let file: string;
  try {
    file = decodeURIComponent(name);
  } catch {
    res.writeHead(400).end('bad name');
    return;
  }
  if (!/^[\w.-]+\.(csv|json)$/.test(file) || file.startsWith('.')) {
    res.writeHead(404).end('no such export');
    return;
  }
  const full = join(resolve(dir), file);
  if (!existsSync(full)) {
    res.writeHead(404).end('no such export');
    return;
  }
  res.writeHead(200, {
    'Content-Type': file.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/json',
    'Content-Disposition': `attachment; filename="${file}"`,
    'Cache-Control': 'no-store',
  });
  createReadStream(full).pipe(res);
}
