import ipaddr from 'ipaddr.js';
import type { Express } from 'express';

/**
 * Whose `X-Forwarded-For` / `X-Forwarded-Proto` the service believes (TRUST_PROXY):
 * - `false` (the default): nobody's. `req.ip` is the socket's address and `req.protocol` the
 *   connection's (plain HTTP: the service does not terminate TLS), whatever a client writes.
 * - a hop count `n`: the nearest `n` proxies in front of the service. `req.ip` is the address the
 *   outermost of them saw, so entries a client wrote further left in the chain are ignored.
 * - addresses or CIDR ranges (and express's names `loopback`, `linklocal`, `uniquelocal`): the
 *   proxies at those addresses; the chain is walked right to left while the sender is one of them.
 */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address (IPv4 in dotted-quad form, or IPv6), a CIDR range of either, or a named range. */
function isProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return slash < 0 || ipaddr.IPv4.isValidCIDRFourPartDecimal(entry);
  if (ipaddr.IPv6.isValid(address)) return slash < 0 || ipaddr.IPv6.isValidCIDR(entry);
  return false;
}

/**
 * TRUST_PROXY as written: empty, `false` or `0` = off; a positive hop count; or a comma-separated
 * list of proxy addresses and ranges. `true` (trust any sender, so any client picks its own
 * address) is refused on purpose. Throws an Error whose message says what is wrong.
 *
 * @example parseTrustProxy('1') // 1
 * @example parseTrustProxy('10.0.0.0/8, 192.168.1.10') // ['10.0.0.0/8', '192.168.1.10']
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') throw new Error('"true" would let any client choose its address; give the number of proxies in front (e.g. 1) or their addresses');
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (!Number.isSafeInteger(hops) || hops > 10) throw new Error(`${value} hops is more proxies than any deployment has; give 1 to 10 or the proxies' addresses`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.filter((e) => !isProxyEntry(e));
  if (bad.length > 0 || entries.length === 0) {
    throw new Error(`not a proxy address or CIDR range: ${bad.join(', ') || value} (use e.g. 1, or 10.0.0.0/8,192.168.1.10, or loopback)`);
  }
  return entries;
}

/** Sets express's `trust proxy` from the setting (express reads it for req.ip, req.ips, req.protocol, req.secure, req.hostname). */
export function applyTrustProxy(app: Express, trust: TrustProxy): void {
  app.set('trust proxy', trust);
}

/** For the start-up log, e.g. `off`, `1 hop`, `10.0.0.0/8, loopback`. */
export function describeTrustProxy(trust: TrustProxy): string {
  if (trust === false) return 'off';
  if (typeof trust === 'number') return `${trust} hop${trust === 1 ? '' : 's'}`;
  return trust.join(', ');
}
