import sharp from 'sharp';
import { PhotoError, type NormalizedPhoto, type PhotoErrorCode, type PhotoLimits } from './photoTypes.js';
import { sniffImageFormat } from './sniffImageFormat.js';

const JPEG_OUTPUT = { quality: 82, mozjpeg: true } as const;
const JPEG_THUMBNAIL = { quality: 75, mozjpeg: true } as const;
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
 * Validates the user's bytes and turns them into the stored photo and its thumbnail:
 * magic-byte check (JPEG, PNG, WebP, GIF, HEIF/AVIF), header check of the pixel count and the
 * shortest side, then one decode that auto-orients from EXIF, flattens transparency on white (JPEG
 * only), converts to sRGB and resizes to `maxOutputEdge`; the photo and the thumbnail are encoded
 * from that one decoded image. Nothing of the input's metadata (EXIF, GPS, XMP, IPTC, ICC,
 * comments) can survive: the encoders only ever see raw pixels, and no keep or with metadata
 * method is called on them.
 * Animated GIF/WebP: the first frame.
 *
 * Throws PhotoError tooLarge / notImage / tooManyPixels / tooSmall / corrupt.
 */
export async function normalizePhoto(input: Buffer, limits: PhotoLimits): Promise<NormalizedPhoto> {
  if (input.length > limits.maxBytes) {
    throw new PhotoError('tooLarge', `Photo is ${input.length} bytes, the limit is ${limits.maxBytes}`);
  }
  const sniffed = sniffImageFormat(input);
  if (sniffed === undefined) throw new PhotoError('notImage', 'The bytes are not a JPEG, PNG, WebP, GIF or HEIF/AVIF image');

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

  const jpeg = limits.outputFormat === 'jpeg';
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(input, inputOptions)
      .rotate() // auto-orient from EXIF
      .resize({ width: limits.maxOutputEdge, height: limits.maxOutputEdge, fit: 'inside', withoutEnlargement: true });
    if (jpeg) pipeline = pipeline.flatten({ background: '#ffffff' });
    decoded = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw wrapSharpError(err, 'decode');
  }

  // From here on the input is our own raw sRGB pixels: a failure is ours, not the user's.
  const { info } = decoded;
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`Unexpected ${info.channels}-channel decode`);
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const encode = (img: sharp.Sharp, thumb: boolean): sharp.Sharp =>
    jpeg ? img.jpeg(thumb ? JPEG_THUMBNAIL : JPEG_OUTPUT) : img.webp(thumb ? WEBP_THUMBNAIL : WEBP_OUTPUT);

  const [main, thumbnail] = await Promise.all([
    encode(sharp(decoded.data, raw), false).toBuffer({ resolveWithObject: true }),
    encode(
      sharp(decoded.data, raw).resize({ width: limits.thumbnailEdge, height: limits.thumbnailEdge, fit: 'inside', withoutEnlargement: true }),
      true,
    ).toBuffer({ resolveWithObject: true }),
  ]);

  return {
    data: main.data,
    thumbnail: thumbnail.data,
    width: main.info.width,
    height: main.info.height,
    thumbnailWidth: thumbnail.info.width,
    thumbnailHeight: thumbnail.info.height,
    mimeType: jpeg ? 'image/jpeg' : 'image/webp',
  };
}
