/**
 * Shared types of the photo pipeline: limits, the stored result, the user-facing error codes and
 * the sources a photo can come from.
 */

export interface PhotoLimits {
  /** Largest file accepted from the user (download, data URL or bytes). */
  maxBytes: number;
  /** Decompression-bomb guard: width x height above this is refused before decoding. */
  maxInputPixels: number;
  /** A shortest side below this is "too small". */
  minDimension: number;
  /** The stored photo is resized so its long side is at most this (never enlarged). */
  maxOutputEdge: number;
  /** Long side of the thumbnail (never enlarged). */
  thumbnailEdge: number;
  outputFormat: 'jpeg' | 'webp';
}

export const DEFAULT_PHOTO_LIMITS: Readonly<PhotoLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxInputPixels: 40_000_000,
  minDimension: 200,
  maxOutputEdge: 1600,
  thumbnailEdge: 320,
  outputFormat: 'jpeg',
});

export type PhotoMimeType = 'image/jpeg' | 'image/webp';

export interface StoredPhoto {
  /** Hex SHA-256 of the stored (normalised) file bytes; also its file name. */
  sha256: string;
  /** Stored file size. */
  bytes: number;
  /** Stored dimensions (after rotation and resize). */
  width: number;
  height: number;
  mimeType: PhotoMimeType;
  /** e.g. "<sha256>.jpg", relative to the photo directory. */
  fileName: string;
  /** e.g. "<sha256>.thumb.jpg", relative to the photo directory: made on first request (PhotoStore.servePath). */
  thumbnailFileName: string;
  /** Size of what the user sent. */
  originalBytes: number;
}

/** A photo ready to store: validated, stripped of metadata (see normalizePhoto). */
export interface NormalizedPhoto {
  data: Buffer;
  width: number;
  height: number;
  mimeType: PhotoMimeType;
}

export type PhotoErrorCode = 'tooLarge' | 'notImage' | 'tooSmall' | 'tooManyPixels' | 'corrupt' | 'downloadFailed' | 'sticker';

/** A problem the user must be told about (the code picks the message). Anything else thrown is ours. */
export class PhotoError extends Error {
  readonly code: PhotoErrorCode;

  constructor(code: PhotoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PhotoError';
    this.code = code;
  }
}

export function isPhotoError(err: unknown, code?: PhotoErrorCode): err is PhotoError {
  return err instanceof PhotoError && (code === undefined || err.code === code);
}

export type PhotoSource =
  /** http(s) URL; headers e.g. `Authorization: Bearer ...` for the WhatsApp media download. */
  | { kind: 'url'; url: string; headers?: Record<string, string> }
  /** data:image/png;base64,... (the declared media type is ignored: the bytes decide). */
  | { kind: 'dataUrl'; url: string }
  | { kind: 'bytes'; data: Buffer }
  /**
   * A channel-specific download (e.g. WhatsApp's two-step Graph media fetch), run only when the
   * dialog actually wants the photo. It must respect `maxBytes` and throw PhotoError codes.
   */
  | { kind: 'download'; download: (maxBytes: number, signal?: AbortSignal) => Promise<Buffer> };

/** Fills in defaults and rejects nonsense (a configuration error, not a user error). */
export function resolvePhotoLimits(partial: Partial<PhotoLimits> = {}): PhotoLimits {
  const limits: PhotoLimits = { ...DEFAULT_PHOTO_LIMITS };
  for (const [key, value] of Object.entries(partial) as [keyof PhotoLimits, unknown][]) {
    if (value !== undefined) (limits as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of ['maxBytes', 'maxInputPixels', 'minDimension', 'maxOutputEdge', 'thumbnailEdge'] as const) {
    const v = limits[key];
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`PhotoLimits.${key} must be a positive integer, got ${String(v)}`);
  }
  if (limits.outputFormat !== 'jpeg' && limits.outputFormat !== 'webp') {
    throw new RangeError(`PhotoLimits.outputFormat must be 'jpeg' or 'webp', got ${String(limits.outputFormat)}`);
  }
  return limits;
}
