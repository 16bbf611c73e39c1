import { PhotoError } from './photoTypes.js';

export interface DownloadOptions {
  maxBytes: number;
  headers?: Record<string, string>;
  /** Covers the whole download: connecting, headers and body. */
  timeoutMs: number;
}

/**
 * Downloads an http(s) URL with global `fetch`, streaming the body and aborting the connection as
 * soon as more than `maxBytes` have arrived. A Content-Length above the cap is refused before any
 * of the body is read, but the header is not trusted: the bytes are counted.
 *
 * Throws PhotoError `tooLarge` (over the cap) or `downloadFailed` (bad scheme, network error,
 * non-2xx status, timeout).
 */
export async function downloadCapped(url: string, opts: DownloadOptions): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new PhotoError('downloadFailed', 'Invalid photo URL', { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PhotoError('downloadFailed', `Unsupported URL scheme ${parsed.protocol}`);
  }

  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new PhotoError('downloadFailed', `Photo download timed out after ${opts.timeoutMs} ms`));
  }, opts.timeoutMs);
  const failed = (what: string, err: unknown): PhotoError => {
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof PhotoError) return reason;
    return new PhotoError('downloadFailed', `Photo download failed (${what}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  };

  try {
    let res: Response;
    try {
      res = await fetch(parsed, { headers: opts.headers, signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw failed('request', err);
    }
    if (!res.ok) {
      controller.abort();
      throw new PhotoError('downloadFailed', `Photo download failed with HTTP ${res.status}`);
    }

    const declared = res.headers.get('content-length');
    if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > opts.maxBytes) {
      controller.abort();
      throw new PhotoError('tooLarge', `Photo is ${declared} bytes (Content-Length), the limit is ${opts.maxBytes}`);
    }
    if (res.body === null) return Buffer.alloc(0);

    const reader = res.body.getReader();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = await reader.read().catch((err: unknown) => {
        throw failed('body', err);
      });
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > opts.maxBytes) {
        controller.abort();
        reader.cancel().catch(() => undefined);
        throw new PhotoError('tooLarge', `Photo is over the limit of ${opts.maxBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength));
    }
    return Buffer.concat(chunks, total);
  } finally {
    clearTimeout(timer);
  }
}
