import sharp from 'sharp';

/** A photo-like JPEG (colour gradient with noise) of the given size, as a phone would send. */
export async function productJpeg(width = 1200, height = 900): Promise<Buffer> {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
    .png()
    .toBuffer();
  const tint = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#d35400"/><stop offset="1" stop-color="#16a085"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)" opacity="0.75"/></svg>`,
  );
  return sharp(noise).composite([{ input: tint }]).jpeg({ quality: 88 }).toBuffer();
}

/** A JPEG carrying EXIF with a GPS position (Jakarta) and a camera make. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp(await productJpeg(800, 600))
    .withExif({
      IFD0: { Make: 'TestPhoneMaker', Model: 'X1' },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 49/1 0/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A small but real PDF document. */
export function pdfBytes(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
  );
}

let hugePng: Promise<Buffer> | undefined;

/** A real 20000x20000 PNG (400 megapixels, one flat colour so it stays small on disk). */
export function png20000(): Promise<Buffer> {
  hugePng ??= sharp({ create: { width: 20_000, height: 20_000, channels: 3, background: '#3366cc' }, limitInputPixels: false })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return hugePng;
}
