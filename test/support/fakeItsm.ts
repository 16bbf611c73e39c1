import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ItsmFiling {
  idempotencyKey: string;
  token: string | null;
  body: Record<string, unknown>;
  number: string;
}

/**
 * A stand-in for PLN's ITSM and APKT behind their HTTP integration (the contract of
 * src/tickets/itsmHttp.ts), on 127.0.0.1: `POST /itsm/service-requests` and `POST /apkt/records`,
 * idempotent on the `Idempotency-Key` header like the real ones must be. It can be made to answer
 * 503, or to answer too late, to test what the bot does when the ITSM is down.
 */
export class FakeItsm {
  readonly itsm = new Map<string, ItsmFiling>();
  readonly apkt = new Map<string, ItsmFiling>();
  /** Every request received, including refused ones. */
  attempts = 0;
  /** While true, every request is answered 503 (nothing recorded). */
  down = false;
  /** Answer only after this long (the request is recorded first, as a slow real system would). */
  delayMs = 0;
  /** Answer this status (e.g. 400) to everything, recording nothing. */
  refuseWith: number | null = null;
  private seq = 70_000;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeItsm> {
    const holder: { fake?: FakeItsm } = {};
    const server = http.createServer((req, res) => holder.fake?.handle(req, res));
    const fake = new FakeItsm(server);
    holder.fake = fake;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      this.attempts++;
      const answer = (status: number, body: unknown) => {
        if (!res.writableEnded) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (this.down) return answer(503, { error: 'maintenance' });
      if (this.refuseWith) return answer(this.refuseWith, { error: 'refused' });
      const table = req.url === '/itsm/service-requests' ? this.itsm : req.url === '/apkt/records' ? this.apkt : null;
      const key = req.headers['idempotency-key'];
      if (req.method !== 'POST' || !table || typeof key !== 'string') return answer(404, { error: 'not_found' });
      let filing = table.get(key);
      if (!filing) {
        const prefix = table === this.itsm ? 'ITSM' : 'APKT';
        filing = {
          idempotencyKey: key,
          token: req.headers.authorization ?? null,
          body: JSON.parse(raw) as Record<string, unknown>,
          number: `${prefix}-20261124-${++this.seq}`,
        };
        table.set(key, filing);
      }
      const number = filing.number;
      if (this.delayMs > 0) setTimeout(() => answer(201, { number }), this.delayMs);
      else answer(201, { number });
    });
  }
}
