import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  benchmarkNormalize,
  decodeDataUrl,
  DEFAULT_PHOTO_LIMITS,
  makeThumbnail,
  normalizePhoto,
  resolvePhotoLimits,
  sniffImageFormat,
} from '../../src/media/index.js';
import { codeOf, makePhoto, pixelAt } from './mediaTestHelpers.js';

const limits = resolvePhotoLimits();

describe('normalizePhoto input formats', () => {
  it('flattens a transparent PNG onto white for JPEG, keeps the alpha for WebP', async () => {
    const png = await sharp({ create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 100, height: 100, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }, left: 150, top: 100 }])
      .png()
      .toBuffer();
    const jpeg = await normalizePhoto(png, limits);
    expect(jpeg.mimeType).toBe('image/jpeg');
    const [cr, cg, cb] = await pixelAt(jpeg.data, 5, 5);
    expect(Math.min(cr, cg, cb)).toBeGreaterThan(245);
    const [mr, mg, mb] = await pixelAt(jpeg.data, 200, 150);
    expect(mr).toBeGreaterThan(240);
    expect(Math.max(mg, mb)).toBeLessThan(20);

    const webp = await normalizePhoto(png, { ...limits, outputFormat: 'webp' });
    const meta = await sharp(webp.data).metadata();
    expect([meta.format, meta.hasAlpha]).toEqual(['webp', true]);
    const { data } = await sharp(webp.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0); // corner still transparent
  });

  it('takes the first frame of an animated GIF', async () => {
    const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const out = await normalizePhoto(gif, limits);
    expect([out.width, out.height]).toEqual([300, 200]);
    const [r, g, b] = await pixelAt(out.data, 150, 100);
    expect(r).toBeGreaterThan(240);
    expect(Math.max(g, b)).toBeLessThan(20);
  });

  it('converts a CMYK JPEG and a 16-bit PNG to 8-bit sRGB', async () => {
    const cmyk = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const png16 = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    for (const input of [cmyk, png16]) {
      const out = await normalizePhoto(input, limits);
      const meta = await sharp(out.data).metadata();
      expect([meta.space, meta.channels, meta.depth]).toEqual(['srgb', 3, 'uchar']);
      const [r, g, b] = await pixelAt(out.data, 10, 10);
      expect(b).toBeGreaterThan(g);
      expect(g).toBeGreaterThan(r);
    }
  });

  it('reads AVIF (HEIF container)', async () => {
    const avif = await sharp(await makePhoto(640, 480, 'png')).avif().toBuffer();
    expect(sniffImageFormat(avif)).toBe('heif');
    const out = await normalizePhoto(avif, limits);
    expect([out.width, out.height, out.mimeType]).toEqual([640, 480, 'image/jpeg']);
  });

  it('checks maxBytes itself too', async () => {
    const photo = await makePhoto(400, 300);
    expect(await codeOf(normalizePhoto(photo, { ...limits, maxBytes: photo.length - 1 }))).toBe('tooLarge');
  });

  it('is deterministic (needed for content-addressed storage)', async () => {
    const photo = await makePhoto(900, 700);
    const [a, b] = await Promise.all([normalizePhoto(photo, limits), normalizePhoto(photo, limits)]);
    expect(a.data.equals(b.data)).toBe(true);
    const [ta, tb] = await Promise.all([makeThumbnail(a.data, true, limits), makeThumbnail(b.data, true, limits)]);
    expect(ta.data.equals(tb.data)).toBe(true);
  });
});

describe('sniffImageFormat', () => {
  it('recognises the accepted formats by magic bytes only', async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } });
    expect(sniffImageFormat(await base.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await base.clone().png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await base.clone().webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await base.clone().gif().toBuffer())).toBe('gif');
    expect(sniffImageFormat(await base.clone().tiff().toBuffer())).toBeUndefined();
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
    expect(sniffImageFormat(heic)).toBe('heif');
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\x02\0isomiso2')]);
    expect(sniffImageFormat(mp4)).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('decodeDataUrl', () => {
  it('decodes base64 (with line breaks) and percent-encoding', () => {
    expect(decodeDataUrl('data:image/png;base64,AAEC\r\n/w==', 100)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(decodeDataUrl('data:,%00%01%ff%41B', 100)).toEqual(Buffer.from([0, 1, 255, 0x41, 0x42]));
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    expect(decodeDataUrl(`data:image/jpeg;base64,${bytes.toString('base64')}`, 5000)).toEqual(bytes);
    expect(decodeDataUrl(`data:image/jpeg;base64,${bytes.toString('base64url')}`, 5000)).toEqual(bytes);
  });

  it('refuses base64 with characters that are not base64', () => {
    for (const payload of ['AA!!EC/w==', 'AAEC/w==ä', 'AAEC\u0000/w=='])
      expect(() => decodeDataUrl(`data:image/png;base64,${payload}`, 100)).toThrow(expect.objectContaining({ code: 'downloadFailed' }));
  });

  it('refuses an over-size payload with tooLarge and a non-data URL with downloadFailed', () => {
    const b64 = Buffer.alloc(1001, 7).toString('base64');
    expect(decodeDataUrl(`data:image/jpeg;base64,${b64}`, 1001).length).toBe(1001);
    expect(() => decodeDataUrl(`data:image/jpeg;base64,${b64}`, 1000)).toThrow(expect.objectContaining({ code: 'tooLarge' }));
    expect(() => decodeDataUrl(`data:image/jpeg,${'x'.repeat(1001)}`, 1000)).toThrow(expect.objectContaining({ code: 'tooLarge' }));
    expect(() => decodeDataUrl('http://127.0.0.1/x.png', 1000)).toThrow(expect.objectContaining({ code: 'downloadFailed' }));
    expect(() => decodeDataUrl('data:image/png;base64', 1000)).toThrow(expect.objectContaining({ code: 'downloadFailed' }));
  });
});

describe('resolvePhotoLimits', () => {
  it('fills in the documented defaults and rejects nonsense', () => {
    expect(resolvePhotoLimits()).toEqual({
      maxBytes: 10 * 1024 * 1024,
      maxInputPixels: 40_000_000,
      minDimension: 200,
      maxOutputEdge: 1600,
      thumbnailEdge: 320,
      outputFormat: 'jpeg',
    });
    expect(resolvePhotoLimits({ maxOutputEdge: 1024, thumbnailEdge: undefined }).maxOutputEdge).toBe(1024);
    expect(resolvePhotoLimits({}).thumbnailEdge).toBe(DEFAULT_PHOTO_LIMITS.thumbnailEdge);
    expect(() => resolvePhotoLimits({ maxBytes: 0 })).toThrow(RangeError);
    expect(() => resolvePhotoLimits({ minDimension: 1.5 })).toThrow(RangeError);
    expect(() => resolvePhotoLimits({ outputFormat: 'png' as 'jpeg' })).toThrow(RangeError);
  });
});

describe('benchmarkNormalize', () => {
  it('times the 12 MP normalise', async () => {
    const result = await benchmarkNormalize(2);
    console.log(`normalizePhoto 12 MP: median ${result.medianMs} ms, p90 ${result.p90Ms} ms, CPU ${result.cpuMsPerPhoto} ms per photo`);
    expect(result.medianMs).toBeGreaterThan(0);
    expect(result.p90Ms).toBeGreaterThanOrEqual(result.medianMs);
    expect(result.medianMs).toBeLessThan(10_000);
    expect(result.cpuMsPerPhoto).toBeGreaterThan(0);
  });

  it('times the 800x600 normalise (the fast path: no re-encode)', async () => {
    const result = await benchmarkNormalize(5, { width: 800, height: 600 });
    console.log(`normalizePhoto 800x600: median ${result.medianMs} ms, p90 ${result.p90Ms} ms, CPU ${result.cpuMsPerPhoto} ms per photo`);
    expect(result.medianMs).toBeGreaterThan(0);
    expect(result.medianMs).toBeLessThan(2_000);
  });
});

describe('stickers sent as images', () => {
  const webp = (width: number, height: number, alpha: boolean) =>
    sharp({ create: { width, height, channels: alpha ? 4 : 3, background: alpha ? { r: 240, g: 180, b: 10, alpha: 0.5 } : '#f0b40a' } }).webp().toBuffer();

  it('refuses a square WebP of at most 512 px with transparency (what WhatsApp and Instagram stickers are) as a sticker', async () => {
    expect(await codeOf(normalizePhoto(await webp(512, 512, true), limits))).toBe('sticker');
    expect(await codeOf(normalizePhoto(await webp(320, 320, true), limits))).toBe('sticker');
  });

  it('keeps WebP photos: larger, not square, or without transparency', async () => {
    for (const [w, h, alpha] of [[800, 600, false], [1024, 1024, true], [512, 512, false], [600, 512, true]] as const) {
      await expect(normalizePhoto(await webp(w, h, alpha), limits), `${w}x${h} alpha ${alpha}`).resolves.toHaveProperty('data');
    }
  });
});
