/**
 * The image formats we accept, recognised by their magic bytes (never by a declared content type
 * or file name). Anything else (PDF, SVG, HTML error pages, TIFF, BMP, ...) is not a photo for us.
 * `heif` covers HEIC and AVIF (sharp reports both as "heif").
 */
export type SniffedImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'heif';

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis']);

export function sniffImageFormat(buf: Uint8Array): SniffedImageFormat | undefined {
  const ascii = (start: number, end: number): string => Buffer.from(buf.subarray(start, end)).toString('latin1');
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (buf.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (buf.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (buf.length >= 12 && ascii(4, 8) === 'ftyp') {
    // ISO BMFF: box size, "ftyp", major brand, minor version, compatible brands...
    const boxSize = Buffer.from(buf.subarray(0, 4)).readUInt32BE(0);
    const end = Math.min(buf.length, boxSize >= 16 ? boxSize : 16, 256);
    if (HEIF_BRANDS.has(ascii(8, 12))) return 'heif';
    for (let i = 16; i + 4 <= end; i += 4) if (HEIF_BRANDS.has(ascii(i, i + 4))) return 'heif';
  }
  return undefined;
}
