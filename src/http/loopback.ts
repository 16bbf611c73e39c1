import ipaddr from 'ipaddr.js';

/**
 * Whether a socket's remote address is this host's loopback (127.0.0.0/8, ::1, and 127.x written
 * as an IPv4-mapped IPv6 address, as a dual-stack listener reports it). Judged from the socket,
 * never from X-Forwarded-For, which the client writes.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  const plain = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  return plain.range() === 'loopback';
}
