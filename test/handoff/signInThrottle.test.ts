import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffSeconds, clientNetwork, SIGN_IN_LIMITS } from '../../src/handoff/signInThrottle.js';
import { closeAuthApps, PASSWORD, retryAfterOf, startAuthApp } from './agentAuthApp.js';

/**
 * Issue 12, part 3: password spraying with forged X-Forwarded-For, and locking an officer out.
 * Every request comes from the socket address 127.0.0.1; X-Forwarded-For is what a client (or,
 * when trusted, a proxy) writes.
 */

afterEach(async () => {
  vi.useRealTimers();
  await closeAuthApps();
});

const forwardedFor = (chain: string) => ({ 'x-forwarded-for': chain });

describe('password spraying', () => {
  it.each([
    ['off (the default)', false as const],
    ['a list of proxies the client is not one of', ['10.0.0.1']],
  ])('with TRUST_PROXY %s, counts the socket address whatever X-Forwarded-For claims', async (_name, trustProxy) => {
    const { login } = await startAuthApp({ trustProxy });
    for (let i = 0; i < SIGN_IN_LIMITS.address.failures; i++) {
      expect((await login(`officer${i}`, 'Password123', forwardedFor(`203.0.113.${i + 1}`))).status).toBe(401);
    }
    await retryAfterOf(await login('cso.andi', PASSWORD, forwardedFor('203.0.113.200')));
  });

  it.each([
    ['1 (one proxy in front)', 1],
    ['the proxy address', ['127.0.0.1']],
  ])('with TRUST_PROXY %s, counts the address the proxy saw, not what the client wrote before it', async (_name, trustProxy) => {
    const { login } = await startAuthApp({ trustProxy });
    // The proxy appends the address it saw (198.51.100.7) to whatever the client sent.
    for (let i = 0; i < SIGN_IN_LIMITS.address.failures; i++) {
      expect((await login(`officer${i}`, 'Password123', forwardedFor(`203.0.113.${i + 1}, 198.51.100.7`))).status).toBe(401);
    }
    const seconds = await retryAfterOf(await login('cso.andi', PASSWORD, forwardedFor('203.0.113.99, 198.51.100.7')));
    expect(seconds).toBe(SIGN_IN_LIMITS.address.blockSeconds);
    // Another client behind the same proxy is its own address.
    expect((await login('cso.andi', PASSWORD, forwardedFor('198.51.100.8'))).status).toBe(200);
  });

  it('counts an IPv6 client by its /64, so it cannot take a fresh address for each guess', async () => {
    const { login } = await startAuthApp({ trustProxy: 1 });
    for (let i = 0; i < SIGN_IN_LIMITS.address.failures; i++) {
      expect((await login(`officer${i}`, 'Password123', forwardedFor(`2001:db8:1:2::${(i + 1).toString(16)}`))).status).toBe(401);
    }
    await retryAfterOf(await login('cso.andi', PASSWORD, forwardedFor('2001:db8:1:2:ffff::1')));
    expect(clientNetwork('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('locking an officer out', () => {
  it("does not stop the officer signing in elsewhere, however many wrong passwords an attacker sends from one address", async () => {
    const { login } = await startAuthApp({ trustProxy: 1 });
    const attacker = forwardedFor('198.51.100.66');
    // Sent all at once: each is counted before its password is checked, so none slips under the limit.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login('cso.andi', `guess-${i}`, attacker)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGN_IN_LIMITS.accountAddress.failures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - SIGN_IN_LIMITS.accountAddress.failures);
    // The officer, at the office, signs in at once…
    expect((await login('cso.andi', PASSWORD, forwardedFor('203.0.113.10'))).status).toBe(200);
    // …while the attacker's address stays blocked for this account, even with the right password.
    expect(await retryAfterOf(await login('cso.andi', PASSWORD, attacker))).toBe(SIGN_IN_LIMITS.accountAddress.blockSeconds);
  });

  it('slows guessing from many addresses with a backoff the officer waits out, never a lock-out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-11-24T08:00:00Z'));
    const { login } = await startAuthApp({ trustProxy: 1 });
    // 60 wrong passwords for one account, each from another address (under every per-address
    // limit), waiting out each backoff as a patient botnet would.
    let checked = 0;
    let attempts = 0;
    const waits: number[] = [];
    while (checked < 60) {
      const res = await login('cso.andi', `guess-${attempts}`, forwardedFor(`198.51.${Math.floor(attempts / 250)}.${(attempts % 250) + 1}`));
      attempts++;
      if (res.status === 401) {
        checked++;
        continue;
      }
      const seconds = await retryAfterOf(res);
      waits.push(seconds);
      vi.setSystemTime(Date.now() + seconds * 1000);
    }
    // Free at first, then waits that double, capped.
    expect(waits.slice(0, 4)).toEqual([2, 4, 8, 16]);
    expect(Math.max(...waits)).toBe(SIGN_IN_LIMITS.account.maxBackoffSeconds);
    expect(checked).toBe(60);
    // The officer, right after the last guess: a wait of at most the cap, then in.
    const first = await login('cso.andi', PASSWORD, forwardedFor('203.0.113.10'));
    const wait = first.status === 200 ? 0 : await retryAfterOf(first);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_LIMITS.account.maxBackoffSeconds);
    vi.setSystemTime(Date.now() + wait * 1000);
    expect((await login('cso.andi', PASSWORD, forwardedFor('203.0.113.10'))).status).toBe(200);
  });

  it('backs off exponentially from the eleventh failure of a day, up to five minutes', () => {
    expect([1, 10, 11, 12, 13, 18, 19, 40].map(backoffSeconds)).toEqual([0, 0, 2, 4, 8, 256, 300, 300]);
  });
});
