import sharp from 'sharp';
import { PixelBudget } from './pixelBudget.js';
import { PhotoError, type PhotoErrorCode } from './photoTypes.js';
import { stripJpegMetadata } from './stripJpegMetadata.js';

/*
 * What every sharp decode of this process shares (normalizePhoto, thumbnails).
 *
 * Memory, once per process. libvips' operation cache (by default up to 50 MB and 100 operations)
 * would keep recent inputs and decoded images alive between photos; every photo is new, so it
 * only costs RSS. One libvips worker thread per image: sharp already defaults to 1 on glibc without
 * jemalloc (more threads, more glibc malloc arenas), this makes it the same everywhere.
 */
sharp.cache(false);
sharp.concurrency(1);

/**
 * How many pixels this process decodes at once; a photo waits (in order) until its pixels fit. A
 * decode holds about 3 bytes per pixel, plus what glibc keeps in the malloc arena of the libuv
 * thread that ran it: two 12-megapixel photos at once is the most this process holds (RSS grew by
 * about 190 MB with four), while small photos (what WhatsApp sends, about half a megapixel) are not
 * held back at all (libuv's 4 threads are the limit then). Limiting by count instead (3 at once)
 * made small photos queue behind each other under load. A photo larger than the budget runs alone.
 */
export const decoding = new PixelBudget(24_000_000);

/** Maps a libvips/sharp failure while reading the user's bytes to what we tell the user. */
function sharpErrorCode(err: unknown): PhotoErrorCode {
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) return 'tooManyPixels';
  if (/unsupported image format/i.test(message)) return 'notImage';
  // HEIC from iPhones: the prebuilt libvips has no HEVC decoder; ask for a JPEG/PNG instead.
  if (/unsupported (codec|feature)|no decoding plugin|decoder plugin/i.test(message)) return 'notImage';
  return 'corrupt';
}

export function wrapSharpError(err: unknown, stage: string): PhotoError {
  const code = sharpErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new PhotoError(code, `Photo could not be read (${stage}, ${code}): ${detail}`, { cause: err });
}

/** WebP chunks of a still image; anything else (EXIF, XMP, ICCP, ...) must not be in what we store. */
const WEBP_IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH']);

/**
 * Our own encoder's output, made sure to hold no metadata: a JPEG is rebuilt by stripJpegMetadata
 * (tables and scans only), a WebP is checked chunk by chunk. Throws (our bug, not the user's) if
 * the encoder wrote something unexpected.
 */
export function withoutMetadata(encoded: Buffer, jpeg: boolean): Buffer {
  if (jpeg) {
    const stripped = stripJpegMetadata(encoded);
    if (!stripped) throw new Error('The JPEG encoder wrote a file stripJpegMetadata does not accept');
    return stripped.data;
  }
  if (encoded.length < 12 || encoded.toString('latin1', 0, 4) !== 'RIFF' || encoded.toString('latin1', 8, 12) !== 'WEBP') {
    throw new Error('The WebP encoder wrote something that is not a RIFF WEBP file');
  }
  for (let at = 12; at < encoded.length; ) {
    if (at + 8 > encoded.length) throw new Error('Truncated WebP chunk header');
    const chunk = encoded.toString('latin1', at, at + 4);
    if (!WEBP_IMAGE_CHUNKS.has(chunk)) throw new Error(`The WebP encoder wrote a ${JSON.stringify(chunk)} chunk`);
    const size = encoded.readUInt32LE(at + 4);
    at += 8 + size + (size & 1);
  }
  return encoded;
}
