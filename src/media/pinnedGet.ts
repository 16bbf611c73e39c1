import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './urlPolicy.js';

/**
 * One GET over node:http(s) that can only connect to `addresses` (already checked): the socket's
 * name lookup is answered from them, so the host cannot resolve to something else between the
 * check and the connection (DNS rebinding). A literal IP host is connected to as written (it is
 * what was checked). TLS still verifies the certificate against the URL's host name. No redirect
 * is followed and no connection is kept or shared.
 *
 * Hand-written on node:http rather than global fetch: Node's bundled undici takes a custom lookup
 * only through the `undici` package's Agent, which is not a dependency of this project.
 */
export function pinnedGet(url: URL, addresses: readonly ResolvedAddress[], headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const usable = addresses.filter((a) => !options.family || a.family === options.family);
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error('no checked address of the requested family'), { code: 'ENOTFOUND' }), '');
      return;
    }
    if (options.all) callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, first.address, first.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'GET', headers, signal, agent: false, lookup }, resolve);
    req.on('error', reject);
    req.end();
  });
}
