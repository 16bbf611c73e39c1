import { backoffDelay } from '../../core/backoff.js';
import { downloadCapped } from '../../media/index.js';
import { GraphApiError, graphErrorFrom } from './graphErrors.js';

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com (tests: a fake on 127.0.0.1). */
  baseUrl: string;
  /** e.g. v25.0 */
  version: string;
  accessToken: string;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt of a look-up (GET) and of a media download; default 15 s. */
  timeoutMs?: number;
  /**
   * Per message send (POST), longer than Graph's own processing (default 30 s, see
   * GRAPH_SEND_TIMEOUT_MS): a send that times out may still be delivered, so it is not retried.
   */
  sendTimeoutMs?: number;
  /** Injected in tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Told about every failed attempt (for metrics and logs). */
  onError?: (err: GraphApiError, attempt: number) => void;
  /** Told once per call when it ends, after its retries: answered, or given up on (for metrics). */
  onRequest?: (outcome: 'ok' | 'failed', attempts: number) => void;
  /**
   * Exact origins media may be downloaded from whatever their addresses (MEDIA_ALLOWED_ORIGINS),
   * besides the Graph API's own; every other media URL must resolve to public addresses.
   */
  mediaAllowedOrigins?: readonly string[];
}

/**
 * Where the access token may go on a media download besides the Graph API itself: the host Meta
 * serves WhatsApp media from (`https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=...`).
 */
export const MEDIA_TOKEN_ORIGINS: readonly string[] = ['https://lookaside.fbsbx.com'];

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Network errors raised before the request could reach Graph (nothing was written): a send that
 * failed so is safe to try again. Anything else on a send (a timeout, a reset or a socket closed
 * after the request went out) leaves it unknown whether Graph took it.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A small client for the Graph API calls the channels make: JSON POST/GET with the access token,
 * retries with exponential backoff and jitter for throttling and server errors, no retry for
 * anything permanent (see graphErrors.ts), and capped binary downloads for media.
 *
 * Every POST the channels make is a message send, and Graph takes no idempotency key: a send
 * whose answer never came (timed out, connection broken after the request was written) may have
 * been delivered, so it fails as `ambiguous` and is never tried again here. A send refused before
 * it could reach Graph (connection refused, DNS) or answered with a throttling or server error is
 * retried like a look-up.
 */
export class GraphClient {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sendTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly graphOrigin: string;
  private readonly tokenOrigins: ReadonlySet<string>;

  constructor(private readonly options: GraphClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
    this.sleep = options.sleep ?? realSleep;
    this.graphOrigin = new URL(options.baseUrl).origin;
    this.tokenOrigins = new Set([this.graphOrigin, ...MEDIA_TOKEN_ORIGINS]);
  }

  /** A message send; `path` relative to the version, e.g. `/123/messages` or `/me/messages`. */
  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  /** A multipart upload (media for WhatsApp, an attachment for Messenger): `form` is sent as it is, again on a retry. */
  postForm<T = unknown>(path: string, form: FormData): Promise<T> {
    return this.call<T>('POST', path, form);
  }

  /** A look-up; `signal` gives up on it (and on its retries) early, e.g. when the turn's budget is spent. */
  get<T = unknown>(path: string, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.call<T>('GET', path, undefined, options.signal);
  }

  /**
   * Downloads a media URL (capped, guarded: see downloadCapped). `withToken` (WhatsApp needs it on
   * the media request too) sends the access token only when the URL's origin is the Graph API's or
   * MEDIA_TOKEN_ORIGINS, and never past a redirect to another origin.
   */
  download(url: string, maxBytes: number, opts: { withToken: boolean; timeoutMs?: number; signal?: AbortSignal }): Promise<Buffer> {
    const token = opts.withToken && URL.canParse(url) && this.tokenOrigins.has(new URL(url).origin);
    return downloadCapped(url, {
      maxBytes,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      allowedOrigins: [this.graphOrigin, ...(this.options.mediaAllowedOrigins ?? [])],
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(token ? { headers: { authorization: `Bearer ${this.options.accessToken}` } } : {}),
    });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const url = `${this.options.baseUrl}/${this.options.version}${path}`;
    const send = method === 'POST';
    for (let attempt = 1; ; attempt++) {
      let error: GraphApiError;
      let res: Response | undefined;
      try {
        const timeout = AbortSignal.timeout(send ? this.sendTimeoutMs : this.timeoutMs);
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${this.options.accessToken}`,
            // A form sets its own multipart type (with the boundary).
            ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
        const text = await res.text();
        const parsed = parseJson(text);
        if (res.ok) {
          this.options.onRequest?.('ok', attempt);
          return parsed as T;
        }
        error = graphErrorFrom(res.status, parsed);
      } catch (err) {
        // Graph said yes and the body was lost on the way: the send was taken (its ids are unknown).
        if (res?.ok) {
          this.options.onRequest?.('ok', attempt);
          return null as T;
        }
        error = networkError(err, send);
      }
      this.options.onError?.(error, attempt);
      if (!error.retryable || attempt >= this.maxAttempts || signal?.aborted) {
        this.options.onRequest?.('failed', attempt);
        throw error;
      }
      await this.sleep(this.backoff(attempt, error));
    }
  }

  /** Exponential with jitter; pair-rate limits (131056) wait longer, as Meta advises (4^x s). */
  private backoff(attempt: number, error: GraphApiError): number {
    const pairRate = error.code === 131056;
    return backoffDelay(attempt, {
      baseMs: pairRate ? Math.max(this.baseDelayMs, 1000) : this.baseDelayMs,
      maxMs: this.maxDelayMs,
      factor: pairRate ? 4 : 2,
      jitter: true,
    });
  }
}

/** A call that got no answer: retryable, but for a send that may have reached Graph (`ambiguous`). */
function networkError(err: unknown, send: boolean): GraphApiError {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (send && !NOT_SENT_CODES.has(code)) return new GraphApiError('ambiguous', 0, null, null, `no answer to the send (${code || message}); it may have been delivered`);
  return new GraphApiError('transient', 0, null, null, code ? `${message} (${code})` : message);
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
