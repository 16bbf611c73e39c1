import { describe, expect, it } from 'vitest';
import { addressRange, exactOrigin, isPublicAddress } from '../../src/media/index.js';

/**
 * The address check behind every media download (SSRF guard): only what ipaddr.js calls
 * 'unicast' is public, and IPv6 forms that reach an IPv4 address are judged as that address.
 */
describe('media address policy', () => {
  it.each([
    // What the old hand-written list missed.
    ['192.0.2.10', 'reserved'], // TEST-NET-1
    ['198.51.100.7', 'reserved'], // TEST-NET-2
    ['203.0.113.200', 'reserved'], // TEST-NET-3
    ['64:ff9b::a9fe:a9fe', 'linkLocal'], // NAT64 of 169.254.169.254
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['64:ff9b:1::a9fe:a9fe', 'localUseNat64'], // RFC 8215 local-use prefix
    ['2002:c0a8:101::1', 'private'], // 6to4 embedding 192.168.1.1
    ['2002:a9fe:a9fe::', 'linkLocal'], // 6to4 embedding 169.254.169.254
    ['::ffff:0:a9fe:a9fe', 'linkLocal'], // IPv4-translated (RFC 6145)
    ['::7f00:1', 'unallocated'], // deprecated IPv4-compatible ::127.0.0.1
    ['2001::1', 'teredo'],
    ['2001:db8::1', 'reserved'], // documentation
    // The usual suspects.
    ['169.254.169.254', 'linkLocal'],
    ['::ffff:a9fe:a9fe', 'linkLocal'], // IPv4-mapped 169.254.169.254
    ['::ffff:127.0.0.1', 'loopback'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'], // benchmarking
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['not an address', 'invalid'],
    ['example.com', 'invalid'],
  ])('%s is %s, not public', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '157.240.22.35', // a Meta CDN address
    '100.63.255.255', // just below 100.64/10
    '100.128.0.1', // just above
    '2a03:2880:f12f:83:face:b00c:0:25de', // a Meta IPv6 address
    '64:ff9b::5db8:d822', // NAT64 of 93.184.216.34 (DNS64 on an IPv6-only host)
    '2002:5db8:d822::1', // 6to4 of 93.184.216.34
    '::ffff:93.184.216.34',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('reads configured origins exactly: scheme, host and port, nothing else', () => {
    expect(exactOrigin('http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567');
    expect(exactOrigin('http://127.0.0.1:4567/')).toBe('http://127.0.0.1:4567');
    expect(exactOrigin('https://media.example:443')).toBe('https://media.example');
    expect(exactOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    for (const bad of ['127.0.0.1:4567', 'ftp://127.0.0.1', 'http://127.0.0.1:4567/media', 'http://u:p@127.0.0.1', 'http://127.0.0.1/?a=1', '']) {
      expect(exactOrigin(bad)).toBeNull();
    }
  });
});
