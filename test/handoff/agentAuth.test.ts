import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGN_IN_LIMITS } from '../../src/handoff/signInThrottle.js';
import { closeAuthApps, PASSWORD, retryAfterOf, startAuthApp as start } from './agentAuthApp.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeAuthApps();
});

describe('agent console sign-in', () => {
  it('signs in with a session cookie and a CSRF token', async () => {
    const { base, login } = await start();
    const res = await login('CSO.Andi', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { username: string; displayName: string; csrfToken: string };
    expect(body).toMatchObject({ username: 'cso.andi', displayName: 'Andi Saputra' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pln_agent_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/agent');
    expect(cookie).not.toContain('Secure');
    const me = await fetch(`${base}/agent/api/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(body);
  });

  it("marks the cookie Secure when a trusted proxy says the request came over HTTPS, not when a client says it", async () => {
    const secureFor = async (app: Awaited<ReturnType<typeof start>>, headers: Record<string, string>) =>
      (await app.login('cso.andi', PASSWORD, headers)).headers.get('set-cookie')!.includes('; Secure');
    const direct = await start();
    expect(await secureFor(direct, { 'x-forwarded-proto': 'https' })).toBe(false);
    const behindProxy = await start({ trustProxy: 1 });
    expect(await secureFor(behindProxy, { 'x-forwarded-proto': 'https' })).toBe(true);
    expect(await secureFor(behindProxy, { 'x-forwarded-proto': 'http' })).toBe(false);
    const listed = await start({ trustProxy: ['127.0.0.1'] });
    expect(await secureFor(listed, { 'x-forwarded-proto': 'https' })).toBe(true);
    const notListed = await start({ trustProxy: ['10.0.0.1'] });
    expect(await secureFor(notListed, { 'x-forwarded-proto': 'https' })).toBe(false);
    const always = await start({ secureCookies: true });
    expect(await secureFor(always, {})).toBe(true);
  });

  it('marks the cookie Secure when the sign-in comes from an https page, with no proxy settings', async () => {
    const app = await start();
    const host = new URL(app.base).host;
    const res = await app.login('cso.andi', PASSWORD, { origin: `https://${host}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure(;|$)/);
    const plain = await app.login('cso.andi', PASSWORD, { origin: app.base });
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
  });

  it('answers wrong passwords and unknown users alike, and logs neither password nor username', async () => {
    const { login, warnings } = await start();
    const wrong = await login('cso.andi', 'not-the-password');
    const unknown = await login('cso.nobody', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual({ error: 'invalid_credentials' });
    expect(await unknown.json()).toEqual({ error: 'invalid_credentials' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    // One line a minute for failed sign-ins, however many: a spraying run does not flood the log.
    expect(warnings).toHaveLength(1);
    const logged = JSON.stringify(warnings);
    for (const secret of ['not-the-password', PASSWORD, 'cso.andi', 'cso.nobody', '127.0.0.1']) expect(logged).not.toContain(secret);
  });

  it('refuses malformed bodies with 400', async () => {
    const { base, login } = await start();
    const post = (body: string) => fetch(`${base}/agent/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const res of [await post('{"username":'), await post('[]'), await post('{"username":"cso.andi"}'), await login('cso.andi', '')]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'bad_request' });
    }
  });

  it('refuses a sign-in from a foreign page (login CSRF)', async () => {
    const { base, login } = await start();
    const foreign = await login('cso.andi', PASSWORD, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: 'csrf' });
    expect((await login('cso.andi', PASSWORD, { origin: base })).status).toBe(200);
  });

  it('guards state-changing routes with the session and its CSRF token', async () => {
    const { base, signIn, thing } = await start();
    const { cookie, csrfToken } = await signIn();
    const none = await thing({ 'x-csrf-token': csrfToken });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'unauthenticated' });
    expect((await thing({ cookie: 'pln_agent_session=forged-token', 'x-csrf-token': csrfToken })).status).toBe(401);
    const noHeader = await thing({ cookie });
    expect(noHeader.status).toBe(403);
    expect(await noHeader.json()).toEqual({ error: 'csrf' });
    expect((await thing({ cookie, 'x-csrf-token': csrfToken.slice(1) })).status).toBe(403);
    expect((await thing({ cookie, 'x-csrf-token': csrfToken, origin: 'https://evil.example' })).status).toBe(403);
    expect((await thing({ cookie, 'x-csrf-token': csrfToken, origin: 'null' })).status).toBe(403);
    const ok = await thing({ cookie: `theme=dark; ${cookie}`, 'x-csrf-token': csrfToken, origin: base });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, officer: 'cso.andi' });
  });

  it('signs out: the cookie is cleared and no longer works', async () => {
    const { base, signIn, thing } = await start();
    const { cookie, csrfToken } = await signIn();
    expect((await fetch(`${base}/agent/api/logout`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${base}/agent/api/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^pln_agent_session=; .*Max-Age=0/);
    expect((await thing({ cookie, 'x-csrf-token': csrfToken })).status).toBe(401);
    expect((await fetch(`${base}/agent/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('gives a new session on every sign-in and ends the one presented', async () => {
    const { login, signIn, thing } = await start();
    const first = await signIn();
    const again = await login('cso.andi', PASSWORD, { cookie: first.cookie });
    const second = again.headers.get('set-cookie')!.split(';')[0]!;
    expect(second).not.toBe(first.cookie);
    expect((await thing({ cookie: first.cookie, 'x-csrf-token': first.csrfToken })).status).toBe(401);
  });

  it('throttles 5 failures for a username from one address, with the right password too, until the block ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-11-24T08:00:00Z'));
    const { login } = await start();
    for (let i = 0; i < SIGN_IN_LIMITS.accountAddress.failures; i++) expect((await login('CSO.Andi', `wrong-password-${i}`)).status).toBe(401);
    const blocked = await login('cso.andi', PASSWORD);
    expect(await retryAfterOf(blocked)).toBe(SIGN_IN_LIMITS.accountAddress.blockSeconds);
    vi.setSystemTime(Date.now() + SIGN_IN_LIMITS.accountAddress.blockSeconds * 1000 + 1);
    expect((await login('cso.andi', PASSWORD)).status).toBe(200);
  });

  it('forgets the failures of a username from an address once it signs in there', async () => {
    const { login } = await start();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < SIGN_IN_LIMITS.accountAddress.failures - 1; i++) expect((await login('cso.andi', `typo-${round}-${i}`)).status).toBe(401);
      expect((await login('cso.andi', PASSWORD)).status).toBe(200);
    }
  });

  it('throttles a client that tries many usernames', async () => {
    const { login } = await start();
    for (let i = 0; i < SIGN_IN_LIMITS.address.failures; i++) expect((await login(`guess${i}`, PASSWORD)).status).toBe(401);
    await retryAfterOf(await login('cso.andi', PASSWORD));
  });

  it('ends a session left idle for 8 hours', async () => {
    let clock = Date.parse('2026-11-24T08:00:00Z');
    const { base, signIn } = await start({ sessionNow: () => clock });
    const { cookie } = await signIn();
    clock += 7 * 60 * 60 * 1000;
    expect((await fetch(`${base}/agent/api/me`, { headers: { cookie } })).status).toBe(200);
    clock += 7 * 60 * 60 * 1000;
    expect((await fetch(`${base}/agent/api/me`, { headers: { cookie } })).status).toBe(200);
    clock += 8 * 60 * 60 * 1000;
    expect((await fetch(`${base}/agent/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('answers 500 JSON when a store fails, and reports it', async () => {
    const { base, login, signIn, thing, warnings, officers, sessions } = await start();
    const { cookie, csrfToken } = await signIn();
    vi.spyOn(sessions, 'get').mockRejectedValueOnce(new Error('database unreachable'));
    const me = await fetch(`${base}/agent/api/me`, { headers: { cookie } });
    expect(me.status).toBe(500);
    expect(await me.json()).toEqual({ error: 'internal_error' });
    vi.spyOn(officers, 'get').mockRejectedValueOnce(new Error('database unreachable'));
    expect((await thing({ cookie, 'x-csrf-token': csrfToken })).status).toBe(500);
    vi.spyOn(officers, 'verify').mockRejectedValueOnce(new Error('database unreachable'));
    const failed = await login('cso.andi', PASSWORD);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal_error' });
    vi.spyOn(sessions, 'destroy').mockRejectedValueOnce(new Error('database unreachable'));
    expect((await fetch(`${base}/agent/api/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(500);
    expect(warnings.filter((w) => w.msg === 'agent auth: store failed')).toHaveLength(4);
    // The store is back: the session still works.
    expect((await thing({ cookie, 'x-csrf-token': csrfToken })).status).toBe(200);
  });
});
