import sharp from 'sharp';
import { isSrgbIccProfile } from './iccProfile.js';
import { PixelBudget } from './pixelBudget.js';
import { PhotoError, type NormalizedPhoto, type PhotoErrorCode, type PhotoLimits } from './photoTypes.js';
import { sniffImageFormat, type SniffedImageFormat } from './sniffImageFormat.js';
import { stripJpegMetadata } from './stripJpegMetadata.js';

/*
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
 * made small photos queue behind each other under load: a photo keeps its place across its two
 * steps, each a wait for the event loop, and the photo turn's median went to half a second at 64
 * conversations. A photo larger than the budget runs alone.
 */
const decoding = new PixelBudget(24_000_000);

/**
 * Re-encoding (slow path) with libjpeg-turbo, not mozjpeg: mozjpeg's trellis quantisation and
 * progressive scan optimisation cost about 6x the CPU (about 90 against 15 ms for a 1600x1200
 * photo) for files 10-25 % smaller. Quantisation table 3 is the one mozjpeg uses by default; with
 * it, quality 80 gives about the PSNR of the former mozjpeg quality 82. Baseline, Huffman-optimised.
 */
const JPEG_OUTPUT = { quality: 80, mozjpeg: false, quantisationTable: 3, optimiseCoding: true } as const;
const JPEG_THUMBNAIL = { quality: 75, mozjpeg: false, quantisationTable: 3, optimiseCoding: true } as const;
const WEBP_OUTPUT = { quality: 80, effort: 4 } as const;
const WEBP_THUMBNAIL = { quality: 72, effort: 4 } as const;

/** Maps a libvips/sharp failure while reading the user's bytes to what we tell the user. */
function sharpErrorCode(err: unknown): PhotoErrorCode {
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) return 'tooManyPixels';
  if (/unsupported image format/i.test(message)) return 'notImage';
  // HEIC from iPhones: the prebuilt libvips has no HEVC decoder; ask for a JPEG/PNG instead.
  if (/unsupported (codec|feature)|no decoding plugin|decoder plugin/i.test(message)) return 'notImage';
  return 'corrupt';
}

function wrapSharpError(err: unknown, stage: string): PhotoError {
  const code = sharpErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new PhotoError(code, `Photo could not be read (${stage}, ${code}): ${detail}`, { cause: err });
}

/**
 * Validates the user's bytes and turns them into the stored photo and its thumbnail.
 *
 * For every input: the magic-byte check (JPEG, PNG, WebP, GIF, HEIF/AVIF), then a header read that
 * refuses a pixel count over `maxInputPixels` or a shortest side under `minDimension` before any
 * pixel is decoded.
 *
 * Fast path, for JPEG output of a JPEG that already is what we would store (what WhatsApp
 * delivers: re-compressed, at most 1600 px): 8-bit 3-component YCbCr, Huffman-coded (baseline,
 * extended or progressive), EXIF orientation absent or 1, both sides at most `maxOutputEdge`, no ICC
 * profile or one that is sRGB (isSrgbIccProfile). Its compressed image data is stored as it is,
 * with every metadata segment removed losslessly (stripJpegMetadata: EXIF with GPS, XMP, ICC, IPTC,
 * comments, embedded thumbnails, MPF images and motion-photo videos after the image's EOI). The
 * thumbnail is decoded from exactly those stored bytes (cheap with JPEG shrink-on-load), and that
 * decode is what proves the photo complete: it reads all of the entropy-coded data with the same
 * `failOn` as the slow path, so truncated or broken data is refused with the same codes.
 *
 * Slow path, for everything else (other formats, rotated, too large, CMYK, grayscale, 12-bit,
 * non-sRGB profiles, WebP output, anything the marker walk does not fully understand): one decode
 * that auto-orients from EXIF, flattens transparency on white (JPEG only), converts to sRGB, resizes
 * to `maxOutputEdge` and encodes; the thumbnail is then made from the encoded photo. Nothing of the
 * input's metadata can survive: sharp writes none (no keep or with metadata method is called), and
 * the encoded files are checked to be sure: a JPEG is passed through stripJpegMetadata, a WebP may
 * hold nothing but image chunks. Animated GIF/WebP: the first frame.
 *
 * Both paths give the same bytes for the same input (the stored file is content-addressed). At most
 * 24 megapixels are decoded at once per process (see `decoding`); the other photos wait their turn.
 *
 * Throws PhotoError tooLarge / notImage / tooManyPixels / tooSmall / corrupt.
 */
export async function normalizePhoto(input: Buffer, limits: PhotoLimits): Promise<NormalizedPhoto> {
  if (input.length > limits.maxBytes) {
    throw new PhotoError('tooLarge', `Photo is ${input.length} bytes, the limit is ${limits.maxBytes}`);
  }
  const sniffed = sniffImageFormat(input);
  if (sniffed === undefined) throw new PhotoError('notImage', 'The bytes are not a JPEG, PNG, WebP, GIF or HEIF/AVIF image');
  return decodeAndStore(input, sniffed, limits);
}

async function decodeAndStore(input: Buffer, sniffed: SniffedImageFormat, limits: PhotoLimits): Promise<NormalizedPhoto> {
  const inputOptions: sharp.SharpOptions = {
    limitInputPixels: limits.maxInputPixels,
    failOn: 'error', // truncated data counts as an error
    pages: 1,
    page: 0,
  };

  // Header only: cheap, and refuses decompression bombs before any pixel is decoded.
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, inputOptions).metadata();
  } catch (err) {
    throw wrapSharpError(err, 'header');
  }
  if (meta.format !== sniffed) {
    throw new PhotoError('notImage', `Bytes look like ${sniffed} but decode as ${String(meta.format)}`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new PhotoError('corrupt', 'Photo has no dimensions');
  if (width * height > limits.maxInputPixels) {
    throw new PhotoError('tooManyPixels', `Photo is ${width}x${height}, over the limit of ${limits.maxInputPixels} pixels`);
  }
  if (Math.min(width, height) < limits.minDimension) {
    throw new PhotoError('tooSmall', `Photo is ${width}x${height}, the shortest side must be at least ${limits.minDimension}`);
  }
  if (looksLikeSticker(meta, width, height)) throw new PhotoError('sticker', `A ${width}x${height} WebP with transparency or animation: a sticker, not a photo`);

  return decoding.run(width * height, async () => (await keepJpeg(input, meta, limits, inputOptions)) ?? reencode(input, limits, inputOptions));
}

/**
 * A sticker sent as an image (Instagram sends stickers as plain images; a saved WhatsApp sticker
 * can be forwarded as one): WhatsApp and Instagram stickers are square WebP images of at most
 * 512 px with transparency, often animated. A camera photo is none of these.
 */
function looksLikeSticker(meta: sharp.Metadata, width: number, height: number): boolean {
  return meta.format === 'webp' && width === height && width <= 512 && (meta.hasAlpha === true || (meta.pages ?? 1) > 1);
}

/** The fast path (see normalizePhoto); undefined when the photo does not qualify for it. */
async function keepJpeg(input: Buffer, meta: sharp.Metadata, limits: PhotoLimits, inputOptions: sharp.SharpOptions): Promise<NormalizedPhoto | undefined> {
  if (limits.outputFormat !== 'jpeg' || meta.format !== 'jpeg') return undefined;
  if (meta.orientation !== undefined && meta.orientation !== 1) return undefined;
  if (meta.channels !== 3 || meta.space !== 'srgb' || meta.depth !== 'uchar') return undefined;
  if (Math.max(meta.width, meta.height) > limits.maxOutputEdge) return undefined;
  if (meta.icc !== undefined && !isSrgbIccProfile(meta.icc)) return undefined;
  const stripped = stripJpegMetadata(input);
  if (!stripped || stripped.width !== meta.width || stripped.height !== meta.height) return undefined;

  let thumbnail: Thumbnail;
  try {
    // Decodes all of the stored bytes: a truncated or broken photo fails here, as on the slow path.
    thumbnail = await makeThumbnail(stripped.data, true, limits, inputOptions);
  } catch (err) {
    throw wrapSharpError(err, 'decode');
  }
  return { data: stripped.data, width: stripped.width, height: stripped.height, ...thumbnail, mimeType: 'image/jpeg' };
}

/** The slow path (see normalizePhoto): decode, orient, flatten, sRGB, resize, encode; then the thumbnail. */
async function reencode(input: Buffer, limits: PhotoLimits, inputOptions: sharp.SharpOptions): Promise<NormalizedPhoto> {
  const jpeg = limits.outputFormat === 'jpeg';
  let encoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(input, inputOptions)
      .rotate() // auto-orient from EXIF
      .resize({ width: limits.maxOutputEdge, height: limits.maxOutputEdge, fit: 'inside', withoutEnlargement: true });
    if (jpeg) pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = pipeline.toColourspace('srgb');
    encoded = await (jpeg ? pipeline.jpeg(JPEG_OUTPUT) : pipeline.webp(WEBP_OUTPUT)).toBuffer({ resolveWithObject: true });
  } catch (err) {
    // Decode and encode are one libvips pipeline here; the encoders do not fail on sane pixels.
    throw wrapSharpError(err, 'decode');
  }

  // From here on the input is our own encoded photo: a failure is ours, not the user's.
  const data = withoutMetadata(encoded.data, jpeg);
  const thumbnail = await makeThumbnail(data, jpeg, limits, inputOptions);
  return { data, width: encoded.info.width, height: encoded.info.height, ...thumbnail, mimeType: jpeg ? 'image/jpeg' : 'image/webp' };
}

type Thumbnail = Pick<NormalizedPhoto, 'thumbnail' | 'thumbnailWidth' | 'thumbnailHeight'>;

/** The thumbnail, decoded from the stored photo's bytes (shrink-on-load: only a fraction of the pixels is made). */
async function makeThumbnail(stored: Buffer, jpeg: boolean, limits: PhotoLimits, inputOptions: sharp.SharpOptions): Promise<Thumbnail> {
  const pipeline = sharp(stored, inputOptions).resize({ width: limits.thumbnailEdge, height: limits.thumbnailEdge, fit: 'inside', withoutEnlargement: true });
  const { data, info } = await (jpeg ? pipeline.jpeg(JPEG_THUMBNAIL) : pipeline.webp(WEBP_THUMBNAIL)).toBuffer({ resolveWithObject: true });
  return { thumbnail: withoutMetadata(data, jpeg), thumbnailWidth: info.width, thumbnailHeight: info.height };
}

/** WebP chunks of a still image; anything else (EXIF, XMP, ICCP, ...) must not be in what we store. */
const WEBP_IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH']);

/**
 * Our own encoder's output, made sure to hold no metadata: a JPEG is rebuilt by stripJpegMetadata
 * (tables and scans only), a WebP is checked chunk by chunk. Throws (our bug, not the user's) if
 * the encoder wrote something unexpected.
 */
function withoutMetadata(encoded: Buffer, jpeg: boolean): Buffer {
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
