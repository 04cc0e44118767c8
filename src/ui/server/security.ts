import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/**
 * SPEC 14's gate, checked on every request before anything else: the Host (DNS rebinding), the
 * token (a query parameter once, then an HttpOnly SameSite=Strict cookie, or a Bearer header for
 * scripts), and for a request that changes anything a matching Origin (cross-site requests).
 */
export class UiGate {
  readonly token = randomBytes(32).toString('base64url');

  constructor(private readonly port: number) {}

  /** The cookie's name carries the port: two dashboards on one host keep their own. */
  get cookieName(): string {
    return `ccx_ui_${this.port}`;
  }

  allowedHosts(): string[] {
    return [`127.0.0.1:${this.port}`, `[::1]:${this.port}`, `localhost:${this.port}`];
  }

  /** 421 unless Host names this server by a loopback address or localhost, with the port. */
  checkHost(req: IncomingMessage): void {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.allowedHosts().includes(host)) {
      throw new ApiError(421, 'WRONG_HOST', `this dashboard answers only to ${this.allowedHosts().join(', ')}, not Host ${JSON.stringify(host)}; open the address \`ccx ui\` printed.`);
    }
  }

  /** The token sent as a query parameter, to be exchanged for the cookie; null when none. */
  queryToken(url: URL): string | null {
    return url.searchParams.get('token');
  }

  matches(candidate: string | null | undefined): boolean {
    if (candidate === null || candidate === undefined) return false;
    const given = Buffer.from(candidate);
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** 401 unless the cookie or an `Authorization: Bearer` header carries the token. */
  checkToken(req: IncomingMessage): void {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (this.matches(bearer) || this.matches(cookieValue(req.headers.cookie, this.cookieName))) return;
    throw new ApiError(401, 'UNAUTHORIZED', 'this request carries no valid dashboard token; open the address with `?token=…` that `ccx ui` printed (a restarted `ccx ui` prints a new one).');
  }

  /** 403 for a state-changing request whose Origin is missing or is not this server as the browser reached it. */
  checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    const host = (req.headers.host ?? '').toLowerCase();
    if (origin !== undefined && origin.toLowerCase() === `http://${host}`) return;
    throw new ApiError(403, 'CROSS_ORIGIN', `a request that changes something must come from this dashboard (Origin http://${host}), but its Origin is ${origin === undefined ? 'missing' : JSON.stringify(origin)}; scripts send that Origin header.`);
  }

  /** The Set-Cookie header that keeps the token for this browser session. */
  cookieHeader(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}
