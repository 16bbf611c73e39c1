import sharp from 'sharp';
import { decoding, withoutMetadata, wrapSharpError } from './decoding.js';
import { isSrgbIccProfile } from './iccProfile.js';
import { PhotoError, type NormalizedPhoto, type PhotoLimits } from './photoTypes.js';
import { sniffImageFormat, type SniffedImageFormat } from './sniffImageFormat.js';
import { stripJpegMetadata } from './stripJpegMetadata.js';

/**
 * Re-encoding (slow path) with libjpeg-turbo, not mozjpeg: mozjpeg's trellis quantisation and
 * progressive scan optimisation cost about 6x the CPU (about 90 against 15 ms for a 1600x1200
 * photo) for files 10-25 % smaller. Quantisation table 3 is the one mozjpeg uses by default; with
 * it, quality 80 gives about the PSNR of the former mozjpeg quality 82. Baseline, Huffman-optimised.
 */
const JPEG_OUTPUT = { quality: 80, mozjpeg: false, quantisationTable: 3, optimiseCoding: true } as const;
const WEBP_OUTPUT = { quality: 80, effort: 4 } as const;

/**
 * Validates the user's bytes and turns them into the photo to store (its thumbnail is made later,
 * when an officer first looks at it: src/media/thumbnail.ts).
 *
 * For every input: the magic-byte check (JPEG, PNG, WebP, GIF, HEIF/AVIF), then a header read by
 * libvips that refuses a pixel count over `maxInputPixels` or a shortest side under
 * `minDimension` before any pixel is decoded.
 *
 * Fast path, for JPEG output of a JPEG that already is what we would store (what WhatsApp
 * delivers: re-compressed, at most 1600 px): 8-bit 3-component YCbCr, Huffman-coded (baseline,
 * extended or progressive), EXIF orientation absent or 1, both sides at most `maxOutputEdge`, no ICC
 * profile or one that is sRGB (isSrgbIccProfile). Its compressed image data is stored as it is,
 * with every metadata segment removed losslessly (stripJpegMetadata: EXIF with GPS, XMP, ICC, IPTC,
 * comments, embedded thumbnails, MPF images and motion-photo videos after the image's EOI). What
 * proves it an image: libvips read its header, and the marker walk found every segment whole, every
 * table a scan decodes with defined before it, and the EOI after the scans (a truncated file has
 * none). No pixel is decoded on this path: a decode (about 4 ms of CPU for 800x600 even at 1/8
 * scale) would only find damage inside the entropy-coded data, which libjpeg treats as a warning
 * and decodes on anyway (as the slow path does with `failOn: 'error'`). A file the walk does not
 * accept goes to the slow path, whose full decode says what is wrong with it.
 *
 * Slow path, for everything else (other formats, rotated, too large, CMYK, grayscale, 12-bit,
 * non-sRGB profiles, WebP output, anything the marker walk does not fully understand): one decode
 * that auto-orients from EXIF, flattens transparency on white (JPEG only), converts to sRGB, resizes
 * to `maxOutputEdge` and encodes. Nothing of the input's metadata can survive: sharp writes none (no
 * keep or with metadata method is called), and the encoded file is checked to be sure: a JPEG is
 * passed through stripJpegMetadata, a WebP may hold nothing but image chunks. Animated GIF/WebP:
 * the first frame.
 *
 * Both paths give the same bytes for the same input (the stored file is content-addressed). At most
 * 24 megapixels are decoded at once per process (see `decoding`); the other photos wait their turn.
 *
 * Throws PhotoError tooLarge / notImage / tooManyPixels / tooSmall / corrupt / sticker.
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

  return keepJpeg(input, meta, limits) ?? decoding.run(width * height, () => reencode(input, limits, inputOptions));
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
function keepJpeg(input: Buffer, meta: sharp.Metadata, limits: PhotoLimits): NormalizedPhoto | undefined {
  if (limits.outputFormat !== 'jpeg' || meta.format !== 'jpeg') return undefined;
  if (meta.orientation !== undefined && meta.orientation !== 1) return undefined;
  if (meta.channels !== 3 || meta.space !== 'srgb' || meta.depth !== 'uchar') return undefined;
  if (Math.max(meta.width, meta.height) > limits.maxOutputEdge) return undefined;
  if (meta.icc !== undefined && !isSrgbIccProfile(meta.icc)) return undefined;
  const stripped = stripJpegMetadata(input);
  if (!stripped || stripped.width !== meta.width || stripped.height !== meta.height) return undefined;
  return { data: stripped.data, width: stripped.width, height: stripped.height, mimeType: 'image/jpeg' };
}

/** The slow path (see normalizePhoto): decode, orient, flatten, sRGB, resize, encode. */
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
  // From here on the bytes are our own encoded photo: a failure is ours, not the user's.
  return { data: withoutMetadata(encoded.data, jpeg), width: encoded.info.width, height: encoded.info.height, mimeType: jpeg ? 'image/jpeg' : 'image/webp' };
}
