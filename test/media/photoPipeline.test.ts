import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoError, PhotoPipeline } from '../../src/media/index.js';
import { codeOf, jpegMarkers, makePhoto, pixelAt, readExifGps, serveBytes, startServer } from './mediaTestHelpers.js';

let server: Awaited<ReturnType<typeof startServer>>;
let tmpRoot: string;
let n = 0;
const newDir = (): string => path.join(tmpRoot, `photos-${++n}`);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  server = await startServer();
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-photos-'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

describe('PhotoPipeline.ingest: stored photos', () => {
  it('stores a normal JPEG downloaded with a bearer token: hash, size, dimensions, files, thumbnail', async () => {
    const original = await makePhoto(1200, 900);
    server.route('/wa/media/123', serveBytes(original));
    const dir = newDir();
    const pipeline = new PhotoPipeline({ dir, allowedOrigins: [server.base] });

    const stored = await pipeline.ingest({ kind: 'url', url: `${server.base}/wa/media/123`, headers: { Authorization: 'Bearer EAAG-test' } });

    expect(server.requests.findLast((r) => r.path === '/wa/media/123')?.headers.authorization).toBe('Bearer EAAG-test');
    const file = fs.readFileSync(path.join(dir, stored.fileName));
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.sha256).toBe(sha256(file));
    expect(stored.fileName).toBe(`${stored.sha256}.jpg`);
    expect(stored.thumbnailFileName).toBe(`${stored.sha256}.thumb.jpg`);
    expect(stored.bytes).toBe(file.length);
    expect(stored.originalBytes).toBe(original.length);
    expect(stored.mimeType).toBe('image/jpeg');
    expect([stored.width, stored.height]).toEqual([1200, 900]);
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height, meta.space, meta.channels]).toEqual(['jpeg', 1200, 900, 'srgb', 3]);

    // The thumbnail is made when it is first asked for (the console), not on the applicant's turn.
    expect(fs.readdirSync(dir)).toEqual([stored.fileName]);
    const thumbPath = await pipeline.servePath(stored.thumbnailFileName);
    expect(thumbPath).toBe(pipeline.pathOf(stored.thumbnailFileName));
    const thumb = fs.readFileSync(thumbPath!);
    const thumbMeta = await sharp(thumb).metadata();
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['jpeg', 320, 240]);
    expect(thumb.length).toBeLessThan(file.length / 4);
    expect(fs.readdirSync(dir).sort()).toEqual([stored.fileName, stored.thumbnailFileName].sort());
  });

  it('resizes a 12-megapixel 4000x3000 JPEG to 1600x1200', async () => {
    const original = await makePhoto(4000, 3000);
    expect((await sharp(original).metadata()).width).toBe(4000);
    const pipeline = new PhotoPipeline({ dir: newDir() });
    const stored = await pipeline.ingest({ kind: 'bytes', data: original });
    expect([stored.width, stored.height]).toEqual([1600, 1200]);
    const meta = await sharp(fs.readFileSync(pipeline.pathOf(stored.fileName))).metadata();
    expect([meta.width, meta.height]).toEqual([1600, 1200]);
    const thumb = await sharp(fs.readFileSync((await pipeline.servePath(stored.thumbnailFileName))!)).metadata();
    expect([thumb.width, thumb.height]).toEqual([320, 240]);
    expect(stored.bytes).toBeLessThan(original.length);
  });

  it('applies EXIF orientation 6: a 400x300 image comes out 300x400, the left side on top', async () => {
    const leftRedRightBlue = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ff0000' } })
      .composite([{ input: { create: { width: 200, height: 300, channels: 3, background: '#0000ff' } }, left: 200, top: 0 }])
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const inMeta = await sharp(leftRedRightBlue).metadata();
    expect([inMeta.orientation, inMeta.width, inMeta.height]).toEqual([6, 400, 300]);

    const pipeline = new PhotoPipeline({ dir: newDir() });
    const stored = await pipeline.ingest({ kind: 'bytes', data: leftRedRightBlue });
    expect([stored.width, stored.height]).toEqual([300, 400]);
    const out = fs.readFileSync(pipeline.pathOf(stored.fileName));
    const outMeta = await sharp(out).metadata();
    expect([outMeta.width, outMeta.height, outMeta.orientation]).toEqual([300, 400, undefined]);
    const [tr, tg, tb] = await pixelAt(out, 150, 20);
    const [br, bg, bb] = await pixelAt(out, 150, 380);
    expect(tr).toBeGreaterThan(200);
    expect(Math.max(tg, tb)).toBeLessThan(60);
    expect(bb).toBeGreaterThan(200);
    expect(Math.max(br, bg)).toBeLessThan(60);
  });

  it('strips EXIF with GPS, XMP and the ICC profile from the photo and the thumbnail', async () => {
    const withGps = await sharp(await makePhoto(800, 600))
      .withExif({
        IFD0: { Make: 'TestPhoneMaker', Model: 'X1' },
        IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 49/1 0/1' },
      })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,12S"/></rdf:RDF></x:xmpmeta>')
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const inMeta = await sharp(withGps).metadata();
    expect(inMeta.exif).toBeDefined();
    expect(readExifGps(inMeta.exif ?? Buffer.alloc(0))).toEqual({ latitudeRef: 'S', latitude: [[6, 1], [12, 1], [0, 1]] });
    expect(inMeta.exif?.includes('TestPhoneMaker')).toBe(true);
    expect(inMeta.xmp?.toString()).toContain('GPSLatitude');
    expect(inMeta.icc?.length).toBeGreaterThan(0);
    expect(jpegMarkers(withGps)).toEqual(expect.arrayContaining(['APP1', 'APP2']));

    const pipeline = new PhotoPipeline({ dir: newDir() });
    const stored = await pipeline.ingest({ kind: 'bytes', data: withGps });
    for (const name of [stored.fileName, stored.thumbnailFileName]) {
      const out = fs.readFileSync((await pipeline.servePath(name))!);
      const meta = await sharp(out).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.comments).toBeUndefined();
      expect(meta.space).toBe('srgb');
      // Nothing but image data segments (and at most a JFIF APP0): no APP1 EXIF/XMP, APP2 ICC, APP13 IPTC, COM.
      const markers = jpegMarkers(out);
      expect(markers[0]).toBe('SOI');
      expect(markers.at(-1)).toBe('SOS');
      expect(markers.filter((m) => !['SOI', 'APP0', 'DQT', 'DHT', 'SOF0', 'SOF2', 'DRI', 'SOS'].includes(m))).toEqual([]);
      expect(out.includes('TestPhoneMaker')).toBe(false);
      expect(out.includes('Exif\0')).toBe(false);
    }
  });

  it('stores the same photo twice as one set of files, untouched the second time', async () => {
    const original = await makePhoto(640, 480, 'png');
    const dir = newDir();
    const pipeline = new PhotoPipeline({ dir });
    const first = await pipeline.ingest({ kind: 'bytes', data: original });
    await pipeline.servePath(first.thumbnailFileName);
    const inode = fs.statSync(pipeline.pathOf(first.fileName)).ino;
    const thumbInode = fs.statSync(pipeline.pathOf(first.thumbnailFileName)).ino;

    server.route('/again.png', serveBytes(original, 'image/png'));
    const second = await new PhotoPipeline({ dir, allowedOrigins: [server.base] }).ingest({ kind: 'url', url: `${server.base}/again.png` });
    expect(second).toEqual(first);
    expect(fs.readdirSync(dir).sort()).toEqual([first.fileName, first.thumbnailFileName].sort());
    expect(fs.statSync(pipeline.pathOf(first.fileName)).ino).toBe(inode);
    expect(fs.statSync(pipeline.pathOf(first.thumbnailFileName)).ino).toBe(thumbInode);
  });

  it('ingests concurrent copies of one photo without leftovers', async () => {
    const original = await makePhoto(700, 500);
    const dir = newDir();
    const pipeline = new PhotoPipeline({ dir });
    const results = await Promise.all([1, 2, 3, 4].map(() => pipeline.ingest({ kind: 'bytes', data: original })));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([results[0]!.fileName]);
  });

  it('makes a thumbnail once however many ask for it at the same time, and serves it from then on', async () => {
    const dir = newDir();
    const pipeline = new PhotoPipeline({ dir });
    const stored = await pipeline.ingest({ kind: 'bytes', data: await makePhoto(800, 600) });
    const paths = await Promise.all([1, 2, 3, 4].map(() => pipeline.servePath(stored.thumbnailFileName)));
    expect(new Set(paths)).toEqual(new Set([pipeline.pathOf(stored.thumbnailFileName)]));
    const inode = fs.statSync(paths[0]!).ino;
    expect(await pipeline.servePath(stored.thumbnailFileName)).toBe(paths[0]);
    expect(fs.statSync(paths[0]!).ino).toBe(inode);
    expect(fs.readdirSync(dir).sort()).toEqual([stored.fileName, stored.thumbnailFileName].sort()); // no temporary files left
  });

  it('serves nothing for a name that is not a stored photo, or a thumbnail whose photo is gone', async () => {
    const dir = newDir();
    const pipeline = new PhotoPipeline({ dir });
    const stored = await pipeline.ingest({ kind: 'bytes', data: await makePhoto(640, 480) });
    expect(await pipeline.servePath(stored.fileName)).toBe(pipeline.pathOf(stored.fileName));
    for (const name of ['../etc/passwd', `${stored.sha256}.png`, 'x.thumb.jpg']) expect(await pipeline.servePath(name), name).toBeNull();
    fs.rmSync(pipeline.pathOf(stored.fileName));
    expect(await pipeline.servePath(stored.thumbnailFileName)).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('accepts a base64 data URL (the declared type is ignored) and a percent-encoded one', async () => {
    const png = await makePhoto(640, 480, 'png');
    const pipeline = new PhotoPipeline({ dir: newDir() });
    const a = await pipeline.ingest({ kind: 'dataUrl', url: `data:image/gif;base64,${png.toString('base64')}` });
    expect([a.width, a.height, a.mimeType, a.originalBytes]).toEqual([640, 480, 'image/jpeg', png.length]);
    const percent = Array.from(png, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const b = await pipeline.ingest({ kind: 'dataUrl', url: `data:image/png,${percent}` });
    expect(b.sha256).toBe(a.sha256);
  });

  it('writes WebP when asked', async () => {
    const pipeline = new PhotoPipeline({ dir: newDir(), limits: { outputFormat: 'webp' } });
    const stored = await pipeline.ingest({ kind: 'bytes', data: await makePhoto(2000, 1000) });
    expect(stored.mimeType).toBe('image/webp');
    expect(stored.fileName).toBe(`${stored.sha256}.webp`);
    expect(stored.thumbnailFileName).toBe(`${stored.sha256}.thumb.webp`);
    const meta = await sharp(fs.readFileSync(pipeline.pathOf(stored.fileName))).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['webp', 1600, 800, undefined]);
    const thumb = await sharp(fs.readFileSync((await pipeline.servePath(stored.thumbnailFileName))!)).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 320, 160]);
  });
});

describe('PhotoPipeline.ingest: refusals', () => {
  let bigPng: Buffer;
  beforeAll(async () => {
    // 400 megapixels of one colour: ~1 MB of PNG that would need 1.2 GB to decode.
    bigPng = await sharp({ limitInputPixels: false, create: { width: 20000, height: 20000, channels: 3, background: '#808080' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
  });

  it('refuses a 20000x20000 PNG with tooManyPixels from its header, without decoding it', async () => {
    expect(bigPng.length).toBeLessThan(5 * 1024 * 1024);
    server.route('/bomb.png', serveBytes(bigPng, 'image/png'));
    const pipeline = new PhotoPipeline({ dir: newDir(), allowedOrigins: [server.base] });
    const started = performance.now();
    const err = await pipeline.ingest({ kind: 'url', url: `${server.base}/bomb.png` }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).code).toBe('tooManyPixels');
    // Refused while reading the header (metadata), never reaching the decode stage.
    expect((err as PhotoError).message).toMatch(/^Photo could not be read \(header, tooManyPixels\): Input image exceeds pixel limit/);
    expect(elapsed).toBeLessThan(1000);
    expect(fs.existsSync(pipeline.pathOf(`${'0'.repeat(64)}.jpg`))).toBe(false);
  });

  it('applies maxInputPixels exactly', async () => {
    const img = await makePhoto(1000, 1000, 'png');
    const over = new PhotoPipeline({ dir: newDir(), limits: { maxInputPixels: 999_999 } });
    expect(await codeOf(over.ingest({ kind: 'bytes', data: img }))).toBe('tooManyPixels');
    const at = new PhotoPipeline({ dir: newDir(), limits: { maxInputPixels: 1_000_000 } });
    expect((await at.ingest({ kind: 'bytes', data: img })).width).toBe(1000);
  });

  it('refuses a PDF served as image/jpeg, random bytes, HTML, SVG and TIFF with notImage', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    server.route('/photo.jpg', serveBytes(pdf, 'image/jpeg'));
    const pipeline = new PhotoPipeline({ dir: newDir(), allowedOrigins: [server.base] });
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: `${server.base}/photo.jpg` }))).toBe('notImage');

    const random = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + (i >> 3) * 104729) % 256));
    random[0] = 0x42;
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: random }))).toBe('notImage');

    server.route('/error-page', serveBytes(Buffer.from('<!DOCTYPE html><html><body>Sorry, this content is unavailable</body></html>'), 'image/jpeg'));
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: `${server.base}/error-page` }))).toBe('notImage');

    // sharp itself could read these; we refuse them by their bytes.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="red"/></svg>');
    expect((await sharp(svg).metadata()).format).toBe('svg');
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: svg }))).toBe('notImage');
    const tiff = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#00ff00' } }).tiff().toBuffer();
    expect((await sharp(tiff).metadata()).format).toBe('tiff');
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: tiff }))).toBe('notImage');
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: Buffer.alloc(0) }))).toBe('notImage');
  });

  it('refuses a truncated JPEG with corrupt', async () => {
    const full = await makePhoto(800, 600);
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    expect((await sharp(truncated).metadata()).format).toBe('jpeg'); // the header alone looks fine
    const pipeline = new PhotoPipeline({ dir: newDir() });
    const err = await pipeline.ingest({ kind: 'bytes', data: truncated }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).code).toBe('corrupt');
    expect(fs.existsSync(pipeline.dir) ? fs.readdirSync(pipeline.dir) : []).toEqual([]);
  });

  it('refuses photos whose shortest side is below minDimension with tooSmall', async () => {
    const pipeline = new PhotoPipeline({ dir: newDir() });
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: await makePhoto(50, 50) }))).toBe('tooSmall');
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: await makePhoto(1600, 199) }))).toBe('tooSmall');
    const atLimit = await pipeline.ingest({ kind: 'bytes', data: await makePhoto(200, 200) });
    expect([atLimit.width, atLimit.height]).toEqual([200, 200]);
  });

  it('maps a 404 to downloadFailed', async () => {
    const pipeline = new PhotoPipeline({ dir: newDir(), allowedOrigins: [server.base] });
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: `${server.base}/expired-media-url` }))).toBe('downloadFailed');
  });

  it('refuses sources over maxBytes: URL, data URL and bytes', async () => {
    const photo = await makePhoto(800, 600);
    const limits = { maxBytes: photo.length - 1 };
    const pipeline = new PhotoPipeline({ dir: newDir(), allowedOrigins: [server.base], limits });
    server.route('/big.jpg', serveBytes(photo));
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: `${server.base}/big.jpg` }))).toBe('tooLarge');
    expect(await codeOf(pipeline.ingest({ kind: 'dataUrl', url: `data:image/jpeg;base64,${photo.toString('base64')}` }))).toBe('tooLarge');
    expect(await codeOf(pipeline.ingest({ kind: 'bytes', data: photo }))).toBe('tooLarge');
    const roomy = new PhotoPipeline({ dir: newDir(), limits: { maxBytes: photo.length } });
    expect((await roomy.ingest({ kind: 'dataUrl', url: `data:image/jpeg;base64,${photo.toString('base64')}` })).originalBytes).toBe(photo.length);
  });

  it('refuses a malformed data URL and a URL source that is not http(s) with downloadFailed', async () => {
    const pipeline = new PhotoPipeline({ dir: newDir() });
    expect(await codeOf(pipeline.ingest({ kind: 'dataUrl', url: 'https://example.invalid/x.jpg' }))).toBe('downloadFailed');
    expect(await codeOf(pipeline.ingest({ kind: 'dataUrl', url: 'data:image/png;base64,@@@not-base64@@@' }))).toBe('downloadFailed');
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: 'data:image/png;base64,iVBORw0KGgo=' }))).toBe('downloadFailed');
    expect(await codeOf(pipeline.ingest({ kind: 'url', url: 'file:///etc/passwd' }))).toBe('downloadFailed');
  });
});

describe('PhotoPipeline.pathOf', () => {
  const dir = path.join(os.tmpdir(), 'pln123-pathof');
  const pipeline = new PhotoPipeline({ dir });
  const hex = 'ab'.repeat(32);

  it('resolves stored names inside the photo directory', () => {
    expect(pipeline.pathOf(`${hex}.jpg`)).toBe(path.join(dir, `${hex}.jpg`));
    expect(pipeline.pathOf(`${hex}.thumb.webp`)).toBe(path.join(dir, `${hex}.thumb.webp`));
    expect(path.isAbsolute(new PhotoPipeline({ dir: 'relative/photos' }).pathOf(`${hex}.jpg`))).toBe(true);
  });

  it.each([
    '../etc/passwd',
    '/etc/passwd',
    `../${hex}.jpg`,
    `sub/${hex}.jpg`,
    `${hex}.jpg/../../etc/passwd`,
    `${hex.toUpperCase()}.jpg`,
    `${hex}.png`,
    `${hex}.jpg\0`,
    `${hex.slice(2)}.jpg`,
    `.${hex}.jpg.123.tmp`,
    '',
  ])('throws for %j', (name) => {
    expect(() => pipeline.pathOf(name)).toThrow(/Not a stored photo file name/);
  });
});
