import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { exactOrigin } from '../core/origin.js';
import { PhotoError } from './photoTypes.js';

/**
 * Which media URLs the service may fetch (SSRF guard). Photo URLs come from outside: Bot Framework
 * clients choose attachment URLs, Meta's webhooks and Graph answers name CDN hosts, and any of
 * them may redirect. A URL may be fetched when its exact origin is one the configuration names
 * (the Graph API, a test fake), or when every address its host resolves to is public. The address
 * ranges are ipaddr.js's, not our own list.
 */

/** One address of a host, as `dns.lookup(host, { all: true })` answers. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** All the addresses of a host name, from the system resolver (as a connection would get them). */
async function resolveAll(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * The ipaddr.js range of an address ('unicast' = public), judging the IPv4 address embedded in
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-translated, NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
 * addresses, since traffic to them reaches that IPv4 address. Anything unparsable is 'invalid'.
 */
export function addressRange(address: string): string {
  if (!net.isIP(address)) return 'invalid';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range();
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]).range();
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4(p[6]!, p[7]!);
    case 'rfc6052':
      // 64:ff9b::/96 carries the IPv4 address in its last 32 bits; the local-use 64:ff9b:1::/48
      // (RFC 8215) belongs to a translator on the operator's own network: never public.
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? v4(p[6]!, p[7]!) : 'localUseNat64';
    case '6to4':
      return v4(p[1]!, p[2]!);
    case 'unicast':
      // ipaddr.js calls every IPv6 address outside its special ranges 'unicast', including the
      // deprecated IPv4-compatible ::a.b.c.d; only 2000::/3 is allocated as global unicast.
      return v6.match(GLOBAL_UNICAST_V6) ? 'unicast' : 'unallocated';
    default:
      return range;
  }
}

/** Whether an address is on the public internet (not private, loopback, link-local, reserved, ...). */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

/** The exact origins fetched whatever their addresses (only what configuration names); throws on a non-origin. */
export function originSet(allowedOrigins: Iterable<string> = []): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const o of allowedOrigins) {
    const origin = exactOrigin(o);
    if (!origin) throw new RangeError(`Not an http(s) origin: ${o}`);
    origins.add(origin);
  }
  return origins;
}

/**
 * The addresses a request to `url` may connect to: the literal address, or all the addresses the
 * host resolves to, each public unless the URL's exact origin is allowed. The caller must connect
 * to these addresses only (not resolve again). Throws PhotoError `downloadFailed` when refused.
 */
export async function checkedAddresses(url: URL, allowedOrigins: ReadonlySet<string>): Promise<ResolvedAddress[]> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`unsupported URL scheme ${url.protocol}`);
  if (url.username || url.password) throw refused('credentials in the URL');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (family === 4 || family === 6) {
    addresses = [{ address: host, family }];
  } else {
    try {
      addresses = await resolveAll(host);
    } catch (err) {
      throw new PhotoError('downloadFailed', `Photo host ${host} not resolved: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  if (addresses.length === 0) throw refused(`${host} has no address`);
  if (allowedOrigins.has(url.origin)) return addresses;
  for (const { address } of addresses) {
    const range = addressRange(address);
    if (range !== 'unicast') throw refused(`${host} ${family ? 'is' : 'resolves to'} a ${range} address`);
  }
  return addresses;
}

const refused = (why: string) => new PhotoError('downloadFailed', `Photo URL refused: ${why}`);
