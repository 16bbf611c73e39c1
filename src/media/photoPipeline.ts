import { decodeDataUrl } from './decodeDataUrl.js';
import { downloadCapped } from './downloadCapped.js';
import { normalizePhoto } from './normalizePhoto.js';
import { PhotoStore } from './photoStore.js';
import { PhotoError, resolvePhotoLimits, type PhotoLimits, type PhotoSource, type StoredPhoto } from './photoTypes.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;

export interface PhotoPipelineOptions {
  /** Directory of the stored photos (created when needed). */
  dir: string;
  limits?: Partial<PhotoLimits>;
  /** Whole-download timeout for URL sources; default 20 s. */
  fetchTimeoutMs?: number;
  /**
   * URL sources are fetched only from public addresses (every redirect too), except these exact
   * origins (`http://127.0.0.1:4567`), which configuration names; default none.
   */
  allowedOrigins?: readonly string[];
}

/**
 * The applicant's sample photo, from what the channel gives us to a stored file:
 * fetch (capped, immediately: WhatsApp media URLs expire in minutes), validate, normalise, store.
 *
 * @example
 * const photos = new PhotoPipeline({ dir: path.join(config.dataDir, 'photos') });
 * try {
 *   const stored = await photos.ingest({ kind: 'url', url, headers: { Authorization: `Bearer ${token}` } });
 * } catch (err) {
 *   if (err instanceof PhotoError) reply(t(`photo.${err.code}`)); else throw err;
 * }
 */
export class PhotoPipeline {
  readonly limits: Readonly<PhotoLimits>;
  private readonly store: PhotoStore;
  private readonly fetchTimeoutMs: number;
  private readonly allowedOrigins: readonly string[];

  constructor(opts: PhotoPipelineOptions) {
    this.limits = Object.freeze(resolvePhotoLimits(opts.limits));
    this.store = new PhotoStore(opts.dir, this.limits);
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.allowedOrigins = opts.allowedOrigins ?? [];
    if (!Number.isFinite(this.fetchTimeoutMs) || this.fetchTimeoutMs <= 0) throw new RangeError('fetchTimeoutMs must be positive');
  }

  /** Absolute directory of the stored photos. */
  get dir(): string {
    return this.store.dir;
  }

  /**
   * Downloads (capped), validates, normalises and stores; throws PhotoError with a code for
   * anything the user must be told. `signal`: the caller gave up (the turn's budget is spent): a
   * channel download is told, and nothing is stored after it.
   */
  async ingest(source: PhotoSource, options: { signal?: AbortSignal } = {}): Promise<StoredPhoto> {
    const original = await this.read(source, options.signal);
    if (original.length > this.limits.maxBytes) {
      throw new PhotoError('tooLarge', `Photo is ${original.length} bytes, the limit is ${this.limits.maxBytes}`);
    }
    const normalized = await normalizePhoto(original, this.limits);
    options.signal?.throwIfAborted();
    return this.store.save(normalized, original.length);
  }

  /** Absolute path of a stored file; only `<hex>.(jpg|webp)` and the `.thumb` variants are accepted. */
  pathOf(fileName: string): string {
    return this.store.pathOf(fileName);
  }

  /** The file to serve, a thumbnail made first when needed (PhotoStore.servePath); null when there is none. */
  servePath(fileName: string): Promise<string | null> {
    return this.store.servePath(fileName);
  }

  private async read(source: PhotoSource, signal?: AbortSignal): Promise<Buffer> {
    switch (source.kind) {
      case 'url':
        return downloadCapped(source.url, {
          maxBytes: this.limits.maxBytes,
          headers: source.headers,
          timeoutMs: this.fetchTimeoutMs,
          allowedOrigins: this.allowedOrigins,
        });
      case 'dataUrl':
        return decodeDataUrl(source.url, this.limits.maxBytes);
      case 'bytes':
        return source.data;
      case 'download':
        return source.download(this.limits.maxBytes, signal);
      default: {
        const unknown: never = source;
        throw new TypeError(`Unknown photo source ${JSON.stringify(unknown)}`);
      }
    }
  }
}
