import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a canary received. */
export interface CanaryHit {
  /** The address it was sent to (e.g. ::ffff:169.254.169.254 on a dual-stack listener). */
  local: string;
  path: string;
  authorization: string | undefined;
}

export interface Canary {
  /** e.g. http://127.0.0.1:41234 */
  readonly base: string;
  readonly port: number;
  readonly hits: CanaryHit[];
  close(): Promise<void>;
}

/**
 * An internal service an SSRF would reach (cloud metadata, another port on 127.0.0.1, ...): it
 * answers every GET with `body` (a valid photo, so that a fetch that reaches it would be stored)
 * and records who asked. The SSRF tests assert it saw nothing.
 */
export async function startCanary(body: Buffer, opts: { host?: string; port?: number } = {}): Promise<Canary> {
  const hits: CanaryHit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ local: req.socket.localAddress ?? '', path: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(body.length) });
    res.end(body);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
