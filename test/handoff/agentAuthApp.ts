import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'vitest';
import { createAgentAuth } from '../../src/handoff/agentAuth.js';
import { createHandoffStores } from '../../src/handoff/handoffStores.js';
import type { OfficerStore } from '../../src/handoff/officerStore.js';
import type { SessionStore } from '../../src/handoff/sessionStore.js';
import { createSignInThrottle, type SignInThrottle } from '../../src/handoff/signInThrottle.js';
import { applyTrustProxy, type TrustProxy } from '../../src/core/trustProxy.js';
import { tempDir } from '../dialogs/harness.js';
import { openSqliteDatabase } from '../../src/storage/database.js';

export const PASSWORD = 'kopi-tubruk-2026';

const servers: Server[] = [];

/** Closes every app started by startAuthApp (call in afterEach). */
export async function closeAuthApps(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
}

export interface AuthAppOptions {
  /** TRUST_PROXY of this app (default off, as the service's default). */
  trustProxy?: TrustProxy;
  secureCookies?: boolean;
  sessionNow?: () => number;
  /** The throttle (default: on this app's own SQLite database, as the service without DATABASE_URL). */
  throttle?: SignInThrottle;
  /** Accounts and sessions shared with another app (default: this app's own SQLite, with cso.andi). */
  stores?: { officers: OfficerStore; sessions: SessionStore };
}

/** A fresh SQLite database with cso.andi, for one app or shared by several. */
export async function officerStores(sessionNow?: () => number) {
  const database = openSqliteDatabase(tempDir());
  const stores = createHandoffStores(database, { sessions: sessionNow ? { now: sessionNow } : {} });
  await stores.officers.create({ username: 'cso.andi', displayName: 'Andi Saputra', password: PASSWORD });
  return { database, ...stores };
}

/**
 * The console's sign-in router plus one state-changing route, in an express app set up like the
 * service's (createApp's trust proxy), listening on 127.0.0.1: every request's socket address is
 * 127.0.0.1, and clients (or a proxy) may add X-Forwarded-For / X-Forwarded-Proto.
 */
export async function startAuthApp(opts: AuthAppOptions = {}) {
  const own = opts.stores ? undefined : await officerStores(opts.sessionNow);
  const { officers, sessions } = opts.stores ?? own!;
  const throttle = opts.throttle ?? createSignInThrottle(own?.database ?? openSqliteDatabase(tempDir()));
  const warnings: { obj: object; msg: string }[] = [];
  const auth = createAgentAuth({
    officers,
    sessions,
    throttle,
    ...(opts.secureCookies ? { secureCookies: true } : {}),
    log: { warn: (obj, msg) => warnings.push({ obj, msg }) },
  });
  const app = express();
  applyTrustProxy(app, opts.trustProxy ?? false);
  app.use(auth.router);
  app.post('/agent/api/thing', express.json(), auth.requireSession, auth.requireCsrf, (_req, res) => {
    res.json({ ok: true, officer: res.locals.officer.username });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/agent/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });
  const signIn = async () => {
    const res = await login('cso.andi', PASSWORD);
    expect(res.status).toBe(200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrfToken };
  };
  const thing = (headers: Record<string, string>) => fetch(`${base}/agent/api/thing`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  return { base, login, signIn, thing, warnings, officers, sessions };
}

/** A 429's wait, checked to be the same in the Retry-After header and in the body. */
export async function retryAfterOf(res: Response): Promise<number> {
  expect(res.status).toBe(429);
  const body = (await res.json()) as { error: string; retryAfterSeconds: number };
  expect(body.error).toBe('too_many_attempts');
  expect(res.headers.get('retry-after')).toBe(String(body.retryAfterSeconds));
  expect(body.retryAfterSeconds).toBeGreaterThan(0);
  return body.retryAfterSeconds;
}
