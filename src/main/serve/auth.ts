import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export const COOKIE = 'hb_token';

/** Shorter tokens are refused: a token is the only thing between the network and the engine. */
export const MIN_TOKEN_LENGTH = 16;

/** A token to suggest when the given one is too short (32 random bytes, URL-safe). */
export const generateToken = (): string => randomBytes(32).toString('base64url');

/** Why a token cannot be used, or null when it can. */
export function tokenProblem(token: string): string | null {
  if (token.length >= MIN_TOKEN_LENGTH) return null;
  return (
    `the token must be at least ${MIN_TOKEN_LENGTH} characters (got ${token.length}); ` +
    `for example --token ${generateToken()}`
  );
}

/** The whole of 127.0.0.0/8 and ::1, in any spelling (also IPv4-mapped). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * One answer everywhere to "is this loopback": the address serve binds and the Host header a
 * browser sends. `localhost`, 127.0.0.0/8 and ::1, with or without IPv6 brackets.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h === 'localhost.') return true;
  if (isIPv4(h)) return LOOPBACK.check(h, 'ipv4');
  if (isIPv6(h)) return LOOPBACK.check(h, 'ipv6');
  return false;
}

/** The host part of a Host header: `[::1]:8787` -> `[::1]`, `127.0.0.2:80` -> `127.0.0.2`. */
export function hostOfHeader(header: string): string {
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    return end < 0 ? header : header.slice(0, end + 1);
  }
  return header.replace(/:\d*$/, '');
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out.set(k, decodeURIComponent(part.slice(i + 1).trim()));
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
    if (!isLoopbackHost(hostOfHeader(req.headers.host ?? ''))) {
      return { ok: false, status: 403, reason: 'host not allowed' };
    }
  }
  if (!policy.token) return { ok: true, viaQuery: false };
  // The scheme is case-insensitive (RFC 9110 11.1).
  const bearer = /^bearer +(.+)$/i.exec(req.headers.authorization ?? '');
  if (bearer && sameSecret(bearer[1].trim(), policy.token)) {
    return { ok: true, viaQuery: false };
  }
  const cookie = parseCookies(req.headers.cookie).get(COOKIE);
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
