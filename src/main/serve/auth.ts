import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'hb_token';

/** Loopback hosts a browser may name in its Host header when the server binds loopback. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return (
    host === '127.0.0.1' ||
    host === '::1' ||
    host === 'localhost' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed cookie is ignored, not fatal.
    }
  }
  return out;
}

export interface AuthPolicy {
  /** Required on every request when set. */
  token?: string;
  /** The server binds loopback only. */
  loopback: boolean;
}

export type AuthDecision =
  { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/**
 * Who may talk to the server. With a token: Bearer header, the cookie set after `?token=`, or the
 * query itself. Without one (loopback only): the Host header must be a loopback name, which stops
 * DNS-rebinding pages from reaching the API through the user's browser.
 */
export function authorize(req: IncomingMessage, url: URL, policy: AuthPolicy): AuthDecision {
  if (policy.loopback) {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!LOOPBACK_NAMES.has(hostname)) {
      return { ok: false, status: 403, reason: 'host not allowed' };
    }
  }
  if (!policy.token) return { ok: true, viaQuery: false };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), policy.token)) {
    return { ok: true, viaQuery: false };
  }
  const cookie = parseCookies(req.headers.cookie)[COOKIE];
  if (cookie && sameSecret(cookie, policy.token)) return { ok: true, viaQuery: false };
  const q = url.searchParams.get('token');
  if (q && sameSecret(q, policy.token)) return { ok: true, viaQuery: true };
  return { ok: false, status: 401, reason: 'a valid token is required' };
}

/** A WebSocket or a state-changing request from another site's page is refused. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // curl and scripts send none; browsers always do for these requests
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
