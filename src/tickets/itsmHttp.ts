import { z } from 'zod';
import type { RemoteTicketing } from './sqlTicketing.js';
import type { TicketRequest } from './types.js';

export interface ItsmHttpOptions {
  /** Base URL of the ITSM service-request API, e.g. https://itsm.example/api. */
  itsmUrl: string;
  /** Base URL of the APKT complaint API. */
  apktUrl: string;
  itsmToken?: string;
  apktToken?: string;
  /** Per request; a slower answer counts as the system being down (the outbox retries later). */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** The ITSM or APKT could not be reached or answered 5xx/429: the outbox keeps the request and retries. */
export class TicketingUnavailableError extends Error {
  readonly retryable = true;
  constructor(
    readonly system: 'ITSM' | 'APKT',
    detail: string,
  ) {
    super(`${system} unavailable: ${detail}`);
    this.name = 'TicketingUnavailableError';
  }
}

/** The ITSM or APKT refused the request (4xx other than 408/429): retrying the same request will not help. */
export class TicketingRejectedError extends Error {
  readonly retryable = false;
  constructor(
    readonly system: 'ITSM' | 'APKT',
    readonly status: number,
  ) {
    super(`${system} refused the request (HTTP ${status})`);
    this.name = 'TicketingRejectedError';
  }
}

const numberAnswer = z.object({ number: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{2,39}$/) });

/**
 * Files tickets in the real ITSM and APKT over HTTP (JSON, bearer token). Each call carries an
 * `Idempotency-Key` (the application's key for ITSM, the ITSM number for APKT), so a retry after a
 * timeout whose request did arrive returns the first number instead of filing twice. Errors are
 * typed by whether a retry can help; the ticket outbox (TicketService) does the retrying.
 *
 * The API shape (`POST {itsmUrl}/service-requests`, `POST {apktUrl}/records`, answering
 * `{ "number": "..." }`) is this service's contract with an integration layer in front of PLN's
 * systems; `test/support/fakeItsm.ts` implements it for the tests.
 */
export class ItsmHttpClient implements RemoteTicketing {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ItsmHttpOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async fileServiceRequest(req: TicketRequest): Promise<string> {
    const c = req.classification;
    return this.post('ITSM', `${this.options.itsmUrl}/service-requests`, req.idempotencyKey, this.options.itsmToken, {
      callType: c.callType,
      serviceFamily: c.serviceFamily,
      serviceGroup: c.serviceGroup,
      serviceType: c.serviceType,
      catalogNumber: c.catalogNumber,
      receivingOfficer: req.officer,
      channel: req.channel,
      applicant: req.applicant,
      photo: req.photo ? { sha256: req.photo.sha256, mimeType: req.photo.mimeType, bytes: req.photo.bytes } : null,
      previousNumber: req.previousNumber,
      description: req.description,
      priority: req.priority,
    });
  }

  async fileApktRecord(input: { itsmNumber: string; req: TicketRequest }): Promise<string> {
    const { itsmNumber, req } = input;
    return this.post('APKT', `${this.options.apktUrl}/records`, itsmNumber, this.options.apktToken, {
      itsmNumber,
      serviceType: req.classification.serviceType,
      receivingOfficer: req.officer,
      channel: req.channel,
      applicant: req.applicant,
      description: req.description,
    });
  }

  private async post(system: 'ITSM' | 'APKT', url: string, idempotencyKey: string, token: string | undefined, body: unknown): Promise<string> {
    let res: Response;
    try {
      res = await this.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new TicketingUnavailableError(system, timedOut ? `no answer within ${this.options.timeoutMs} ms` : 'connection failed');
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      await res.body?.cancel();
      throw new TicketingUnavailableError(system, `HTTP ${res.status}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new TicketingRejectedError(system, res.status);
    }
    const parsed = numberAnswer.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new TicketingUnavailableError(system, 'answer without a usable number');
    return parsed.data.number;
  }
}
