import sharp from 'sharp';
import { decoding, withoutMetadata, wrapSharpError } from './decoding.js';
import type { PhotoLimits } from './photoTypes.js';

const JPEG_THUMBNAIL = { quality: 75, mozjpeg: false, quantisationTable: 3, optimiseCoding: true } as const;
const WEBP_THUMBNAIL = { quality: 72, effort: 4 } as const;

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * The thumbnail of a stored photo (our own normalised JPEG or WebP), `limits.thumbnailEdge` on
 * its long side, never enlarged, with no metadata. Made when an officer first looks at it
 * (PhotoStore.servePath), not on the applicant's turn: it costs a full decode and an encode
 * (about 9 ms of CPU for an 800x600 photo, more than the rest of the photo's turn), and most
 * stored photos are never looked at in the console.
 */
export async function makeThumbnail(stored: Buffer, jpeg: boolean, limits: Pick<PhotoLimits, 'thumbnailEdge' | 'maxInputPixels'>): Promise<Thumbnail> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(stored, { limitInputPixels: limits.maxInputPixels }).metadata();
  } catch (err) {
    throw wrapSharpError(err, 'thumbnail');
  }
  const encoded = await decoding.run((meta.width ?? 1) * (meta.height ?? 1), async () => {
    try {
      const pipeline = sharp(stored, { limitInputPixels: limits.maxInputPixels, failOn: 'error' }).resize({
        width: limits.thumbnailEdge,
        height: limits.thumbnailEdge,
        fit: 'inside',
        withoutEnlargement: true,
      });
      return await (jpeg ? pipeline.jpeg(JPEG_THUMBNAIL) : pipeline.webp(WEBP_THUMBNAIL)).toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw wrapSharpError(err, 'thumbnail');
    }
  });
  return { data: withoutMetadata(encoded.data, jpeg), width: encoded.info.width, height: encoded.info.height };
}
