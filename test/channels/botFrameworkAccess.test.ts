import { describe, expect, it } from 'vitest';
import { botFrameworkAccess, isLoopback } from '../../src/channels/botFrameworkAccess.js';

describe('who may use the Bot Framework endpoint', () => {
  it('is decided by the app id first, then by BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE', () => {
    expect(botFrameworkAccess({ appId: 'app', allowAnonymousRemote: true })).toBe('token');
    expect(botFrameworkAccess({ allowAnonymousRemote: false })).toBe('loopback');
    expect(botFrameworkAccess({ allowAnonymousRemote: true })).toBe('anyone');
  });

  it('takes loopback peers in any notation, and nothing else, as this machine', () => {
    for (const address of ['127.0.0.1', '127.10.0.5', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address), address).toBe(true);
    for (const address of ['203.0.113.7', '10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', '::', '', 'localhost', undefined]) {
      expect(isLoopback(address), String(address)).toBe(false);
    }
  });
});
