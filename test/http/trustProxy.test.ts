import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { describeTrustProxy } from '../../src/core/trustProxy.js';

/** TRUST_PROXY: off unless set, a hop count or proxy addresses, and never "trust everyone". */
describe('TRUST_PROXY', () => {
  const trustOf = (value: string | undefined) => loadConfig({ TRUST_PROXY: value }).trustProxy;

  it('is off by default', () => {
    expect(trustOf(undefined)).toBe(false);
    expect(trustOf('')).toBe(false);
    expect(trustOf('false')).toBe(false);
    expect(trustOf('0')).toBe(false);
    expect(describeTrustProxy(false)).toBe('off');
  });

  it('takes a hop count, or proxy addresses and ranges', () => {
    expect(trustOf('1')).toBe(1);
    expect(trustOf(' 10.0.0.0/8, 192.168.1.10 ,fd00::/8, ::1, loopback ')).toEqual(['10.0.0.0/8', '192.168.1.10', 'fd00::/8', '::1', 'loopback']);
    expect(describeTrustProxy(2)).toBe('2 hops');
  });

  it.each(['true', 'yes', '10.0.0.0/33', '10.0.0', '999.1.1.1', 'proxy.internal', '2001:db8::/129', '11', ','])('refuses %j with a readable reason', (value) => {
    expect(() => trustOf(value)).toThrow(/TRUST_PROXY: /);
  });
});
