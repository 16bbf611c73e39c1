import crypto from 'node:crypto';
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { errorSummary } from '../core/redact.js';
import { jsonBody } from '../core/jsonBody.js';
import type { Officer, OfficerStore } from './officerStore.js';
import type { SessionStore } from './sessionStore.js';
import type { SignInThrottle } from './signInThrottle.js';
import { pseudonym } from '../log.js';
import { warnThrottled } from '../observability/warnThrottled.js';

/** What createAgentAuth works with. */
export interface AgentAuthOptions {
  officers: OfficerStore;
  sessions: SessionStore;
  /** Counts sign-in attempts per address, per account and address, and per account (signInThrottle.ts). */
  throttle: SignInThrottle;
  /** Always mark the cookie Secure; otherwise only when the request came over HTTPS (see isHttps). */
  secureCookies?: boolean;
  /** Failed and throttled sign-ins; never given a password, and a username only as a short hash. */
  log?: { warn(obj: object, msg: string): void };
  /** A store failed (the request was answered 500); without it the failure goes to `log`. */
  onError?: (err: unknown) => void;
}

/** What requireSession leaves in `res.locals` for the console's routes. */
export interface AgentLocals {
  officer: Officer;
  session: { token: string; csrfToken: string };
}

/** Sign-in for the agent console and the guards for its API. */
export interface AgentAuth {
  /** POST /agent/api/login, POST /agent/api/logout, GET /agent/api/me */
  router: Router;
  /** 401 {error:'unauthenticated'} without a valid session cookie; else res.locals.officer = Officer, res.locals.session = { token, csrfToken } */
  requireSession: RequestHandler;
  /** Use after requireSession on every state-changing route: 403 {error:'csrf'} unless header X-CSRF-Token equals the session's token (timingSafeEqual) and, when an Origin header is present, its host equals the request's Host header. */
  requireCsrf: RequestHandler;
}

/** Name of the session cookie (scoped to /agent, HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'pln_agent_session';

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });

/**
 * Officer sign-in with a server-side session in an HttpOnly, SameSite=Strict cookie scoped to
 * /agent, and a per-session CSRF token for state-changing requests (SameSite alone does not cover
 * older browsers or same-site subdomains).
 *
 * Sign-in attempts are throttled on the shared store (signInThrottle.ts) by the client address
 * express gives as `req.ip`: the socket's, or a trusted proxy's X-Forwarded-For (TRUST_PROXY).
 */
export function createAgentAuth(options: AgentAuthOptions): AgentAuth {
  const { officers, sessions, throttle, log } = options;
  // A spraying run would write a line per guess: one a minute per kind, with the count left out.
  const warnSampled = log ? warnThrottled(log) : () => undefined;

  const setCookie = (req: Request, res: Response, value: string, clear: boolean): void => {
    const secure = options.secureCookies === true || isHttps(req);
    res.append('Set-Cookie', `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/agent${secure ? '; Secure' : ''}${clear ? '; Max-Age=0' : ''}`);
  };

  /** A store failed: reported, and answered 500 (never an unhandled rejection). */
  const failed = (res: Response, err: unknown): void => {
    if (options.onError) options.onError(err);
    else log?.warn({ err: errorSummary(err) }, 'agent auth: store failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal_error' });
  };

  const requireSession: RequestHandler = async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const token = cookieValue(req.get('cookie'), SESSION_COOKIE);
    let locals: AgentLocals | null = null;
    try {
      const session = token ? await sessions.get(token) : null;
      // The account may have been removed or disabled since sign-in.
      const officer = session ? await officers.get(session.username) : null;
      if (token && session && !officer) await sessions.destroy(token);
      if (token && session && officer) locals = { officer, session: { token, csrfToken: session.csrfToken } };
    } catch (err) {
      failed(res, err);
      return;
    }
    if (!locals) {
      res.status(401).json({ error: 'unauthenticated' });
      return;
    }
    Object.assign(res.locals, locals);
    next();
  };

  const requireCsrf: RequestHandler = (req, res, next) => {
    const session = (res.locals as Partial<AgentLocals>).session;
    const header = req.get('x-csrf-token');
    if (!session || !header || !sameDigest(header, session.csrfToken) || !originAllowed(req)) {
      res.status(403).json({ error: 'csrf' });
      return;
    }
    next();
  };

  const login = async (req: Request, res: Response): Promise<void> => {
    // Login CSRF: a foreign page must not sign the officer in to an account of its choosing.
    if (!originAllowed(req)) {
      res.status(403).json({ error: 'csrf' });
      return;
    }
    const body = loginSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // Pseudonyms only (keyed, as every pseudonym in the logs): an address is personal data too.
    const who = { user: pseudonym(`user:${body.data.username.trim().toLowerCase()}`), ip: pseudonym(`ip:${address}`) };
    // Counted as failed until proven right, so parallel guesses cannot all slip under the limit.
    const admission = await throttle.admit(body.data.username, address);
    if (!admission.allowed) {
      const retryAfterSeconds = Math.ceil(admission.retryAfterMs / 1000);
      warnSampled(`throttled:${admission.limit}`, { ...who, limit: admission.limit, retryAfterSeconds }, 'agent login throttled');
      res.set('Retry-After', String(retryAfterSeconds));
      res.status(429).json({ error: 'too_many_attempts', retryAfterSeconds });
      return;
    }
    const officer = await officers.verify(body.data.username, body.data.password);
    if (!officer) {
      warnSampled('failed', who, 'agent login failed');
      res.status(401).json({ error: 'invalid_credentials' });
      return;
    }
    await admission.succeeded();
    // Rotation: a session id known before sign-in (fixation) is never promoted; the old one ends.
    const previous = cookieValue(req.get('cookie'), SESSION_COOKIE);
    if (previous) await sessions.destroy(previous);
    const { token, csrfToken } = await sessions.create(officer.username);
    setCookie(req, res, token, false);
    res.status(200).json({ username: officer.username, displayName: officer.displayName, supervisor: officer.supervisor === true, csrfToken });
  };

  const router = express.Router();
  router.use('/agent/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/agent/api/login', jsonBody('16kb'), async (req, res) => {
    try {
      await login(req, res);
    } catch (err) {
      failed(res, err);
    }
  });

  router.post('/agent/api/logout', requireSession, requireCsrf, async (req, res) => {
    try {
      await sessions.destroy((res.locals as AgentLocals).session.token);
    } catch (err) {
      failed(res, err);
      return;
    }
    setCookie(req, res, '', true);
    res.status(204).end();
  });

  router.get('/agent/api/me', requireSession, (_req, res) => {
    const { officer, session } = res.locals as AgentLocals;
    res.status(200).json({ username: officer.username, displayName: officer.displayName, supervisor: officer.supervisor === true, csrfToken: session.csrfToken });
  });

  router.use('/agent/api', bodyErrors);
  return { router, requireSession, requireCsrf };
}

/** The JSON parser's refusals as this API's own errors, whether or not the app has a handler. */
const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    res.status(413).json({ error: 'payload_too_large' });
    return;
  }
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    res.status(400).json({ error: 'bad_request' });
    return;
  }
  next(err);
};

/** The first cookie called `name` in a Cookie header; values are base64url, so no decoding. */
function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * The request came over HTTPS: a trusted proxy's X-Forwarded-Proto says so (express's req.secure,
 * with TRUST_PROXY), or a browser does in Origin, which on the sign-in POST names the page it was
 * sent from. An https Origin only ever adds Secure, which a client cannot turn against anyone but
 * itself, so it needs no trust; it marks the cookie Secure behind a TLS proxy even when
 * TRUST_PROXY and AGENT_SECURE_COOKIES are left unset.
 */
function isHttps(req: Request): boolean {
  if (req.secure) return true;
  const origin = req.get('origin');
  return origin !== undefined && origin.toLowerCase().startsWith('https://');
}

/** No Origin (same-origin GET, non-browser client) passes; a present one must name this host. */
function originAllowed(req: Request): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  const host = req.get('host');
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    // Includes `Origin: null` (sandboxed frames, some redirects): never trusted.
    return false;
  }
}

/** Equal-length digests, so the comparison leaks neither content nor length. */
function sameDigest(a: string, b: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

