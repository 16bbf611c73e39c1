import type { IncomingMessage } from 'node:http';
import { pinnedGet } from './pinnedGet.js';
import { PhotoError } from './photoTypes.js';
import { checkedAddresses, originSet } from './urlPolicy.js';

/** Redirects followed at most (Meta's and Bot Framework's media URLs answer directly or after one). */
export const MAX_REDIRECTS = 3;

export interface DownloadOptions {
  maxBytes: number;
  /** Sent to the URL's origin only: dropped from the first redirect to another origin on. */
  headers?: Record<string, string>;
  /** Covers the whole download: resolving, connecting, redirects, headers and body. */
  timeoutMs: number;
  /**
   * Exact origins (`http://127.0.0.1:4567`) fetched whatever addresses they resolve to; only what
   * configuration names. Every other URL, each redirect included, must resolve to public addresses.
   */
  allowedOrigins?: Iterable<string>;
  /** The caller gives up (the turn's budget ran out): the download stops at once. */
  signal?: AbortSignal;
}

/**
 * Downloads an untrusted http(s) URL, streaming the body and aborting the connection as soon as
 * more than `maxBytes` have arrived. A Content-Length above the cap is refused before any of the
 * body is read, but the header is not trusted: the bytes are counted.
 *
 * SSRF guard: redirects (at most MAX_REDIRECTS) are followed here, and every URL, the first and
 * each redirect target, passes `checkedAddresses` (see urlPolicy.ts) before any request; the
 * connection goes to the addresses that were checked.
 *
 * Throws PhotoError `tooLarge` (over the cap) or `downloadFailed` (refused URL, network error,
 * non-2xx status, too many redirects, timeout).
 */
export async function downloadCapped(url: string, opts: DownloadOptions): Promise<Buffer> {
  if (!URL.canParse(url)) throw new PhotoError('downloadFailed', 'Invalid photo URL');
  const allowedOrigins = originSet(opts.allowedOrigins);

  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new PhotoError('downloadFailed', `Photo download timed out after ${opts.timeoutMs} ms`));
  }, opts.timeoutMs);
  const callerGaveUp = () => controller.abort(new PhotoError('downloadFailed', 'Photo download abandoned: the turn ran out of time'));
  if (opts.signal?.aborted) callerGaveUp();
  opts.signal?.addEventListener('abort', callerGaveUp, { once: true });
  const failed = (what: string, err: unknown): PhotoError => {
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof PhotoError) return reason;
    if (err instanceof PhotoError) return err;
    return new PhotoError('downloadFailed', `Photo download failed (${what}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  };

  let current = new URL(url);
  let headers = opts.headers ?? {};
  let res: IncomingMessage | undefined;
  try {
    for (let redirects = 0; ; redirects++) {
      try {
        const addresses = await untilAborted(checkedAddresses(current, allowedOrigins), controller.signal);
        res = await pinnedGet(current, addresses, headers, controller.signal);
      } catch (err) {
        throw failed('request', err);
      }
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (!isRedirect(status) || location === undefined) break;
      res.destroy();
      if (redirects >= MAX_REDIRECTS) throw new PhotoError('downloadFailed', `Photo download failed: more than ${MAX_REDIRECTS} redirects`);
      if (!URL.canParse(location, current.href)) throw new PhotoError('downloadFailed', 'Photo download failed: invalid redirect');
      const next = new URL(location, current);
      // As fetch does for Authorization, but for every header the caller gave (they are credentials).
      if (next.origin !== current.origin) headers = {};
      current = next;
    }

    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
      throw new PhotoError('downloadFailed', `Photo download failed with HTTP ${res.statusCode ?? 0}`);
    }
    const declared = res.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > opts.maxBytes) {
      throw new PhotoError('tooLarge', `Photo is ${declared} bytes (Content-Length), the limit is ${opts.maxBytes}`);
    }

    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        total += chunk.byteLength;
        if (total > opts.maxBytes) throw new PhotoError('tooLarge', `Photo is over the limit of ${opts.maxBytes} bytes`);
        chunks.push(chunk);
      }
    } catch (err) {
      throw failed('body', err);
    }
    return Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', callerGaveUp);
    res?.destroy();
  }
}

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

/** `promise`, or the signal's reason as soon as it aborts (a DNS lookup cannot be cancelled). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
