import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeThumbnail, normalizePhoto, resolvePhotoLimits } from '../../src/media/index.js';
import { isSrgbIccProfile } from '../../src/media/iccProfile.js';
import { stripJpegMetadata } from '../../src/media/stripJpegMetadata.js';
import { codeOf, insertAfterSoi, jpegMarkers, jpegScans, jpegSegment, jpegStructure, makePhoto, pixelAt, readExifGps } from './mediaTestHelpers.js';

const limits = resolvePhotoLimits();
/** What the fast path may leave in a stored JPEG: the image data segments and our JFIF APP0. */
const IMAGE_SEGMENTS = ['SOI', 'APP0', 'DQT', 'SOF0', 'SOF1', 'SOF2', 'DHT', 'DRI', 'SOS', 'EOI'];
const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,12S"/></rdf:RDF></x:xmpmeta>';
const EXIF_WITH_GPS = {
  IFD0: { Make: 'TestPhoneMaker', Model: 'X1' },
  IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 49/1 0/1' },
};
/** APP13 Photoshop IPTC (a caption), as news and stock photos carry it. */
const APP13_IPTC = jpegSegment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), Buffer.from('8BIM\x04\x04\0\0\0\0\0\x0f\x1c\x02\x78\0\x0bSecretPlace\0', 'latin1')]));
const COM = jpegSegment(0xfe, 'Taken at Jl. Rahasia 12, Bandung');

/** Everything a phone might leave in a JPEG: EXIF with GPS, XMP, an sRGB ICC profile, IPTC and a comment. */
async function withAllMetadata(jpeg: Buffer, options: sharp.JpegOptions = { quality: 88 }): Promise<Buffer> {
  const tagged = await sharp(jpeg).withExif(EXIF_WITH_GPS).withXmp(XMP_WITH_GPS).withIccProfile('srgb').jpeg(options).toBuffer();
  return insertAfterSoi(tagged, COM, APP13_IPTC);
}

const rawPixels = async (img: Buffer): Promise<Buffer> => sharp(img).raw().toBuffer();

/** True when the stored photo's image data is the input's, byte for byte (no re-encode). */
const sameScans = (input: Buffer, stored: Buffer): boolean => jpegScans(input).equals(jpegScans(stored));

describe('normalizePhoto fast path: a JPEG that is already fine is stored as it is, without metadata', () => {
  let tagged: Buffer;
  beforeAll(async () => {
    tagged = await withAllMetadata(await makePhoto(800, 600));
  });

  it('keeps the scan data byte for byte and drops EXIF (GPS), XMP, ICC, IPTC and the comment', async () => {
    const inMeta = await sharp(tagged).metadata();
    expect(readExifGps(inMeta.exif ?? Buffer.alloc(0))?.latitudeRef).toBe('S');
    expect(inMeta.xmp?.toString()).toContain('GPSLatitude');
    expect(isSrgbIccProfile(inMeta.icc ?? Buffer.alloc(0))).toBe(true);
    expect(inMeta.iptc?.length).toBeGreaterThan(0);
    expect(tagged.includes('Rahasia')).toBe(true); // libvips does not read JPEG comments
    expect(jpegMarkers(tagged)).toEqual(expect.arrayContaining(['APP1', 'APP2', 'APP13', 'COM']));

    const out = await normalizePhoto(tagged, limits);

    expect(sameScans(tagged, out.data)).toBe(true);
    expect([out.width, out.height, out.mimeType]).toEqual([800, 600, 'image/jpeg']);
    const thumbnail = await makeThumbnail(out.data, true, limits);
    expect([thumbnail.width, thumbnail.height]).toEqual([320, 240]);
    const { markers, end } = jpegStructure(out.data);
    expect(markers.map((m) => m.name).filter((m) => !IMAGE_SEGMENTS.includes(m))).toEqual([]);
    expect(markers.filter((m) => m.name === 'APP0')).toHaveLength(1);
    expect(end).toBe(out.data.length);
    for (const needle of ['Exif\0', 'TestPhoneMaker', 'GPSLatitude', 'http://ns.adobe.com', 'ICC_PROFILE', 'acsp', 'Photoshop', 'SecretPlace', 'Rahasia']) {
      expect(out.data.includes(needle), needle).toBe(false);
      expect(thumbnail.data.includes(needle), needle).toBe(false);
    }
    const meta = await sharp(out.data).metadata();
    expect([meta.exif, meta.xmp, meta.icc, meta.iptc, meta.comments]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([meta.format, meta.space, meta.channels, meta.width, meta.height]).toEqual(['jpeg', 'srgb', 3, 800, 600]);
    // Same compressed data, same colour interpretation: exactly the same pixels.
    expect((await rawPixels(out.data)).equals(await rawPixels(tagged))).toBe(true);
    expect(out.data.length).toBeLessThan(tagged.length);
  });

  it('makes a real thumbnail of the stored photo (when asked: the console asks on first view)', async () => {
    const out = await normalizePhoto(tagged, limits);
    const thumbnail = await makeThumbnail(out.data, true, limits);
    const meta = await sharp(thumbnail.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.icc]).toEqual(['jpeg', 320, 240, undefined, undefined]);
    expect(jpegMarkers(thumbnail.data).filter((m) => !IMAGE_SEGMENTS.includes(m))).toEqual([]);
    const [r1, g1, b1] = await pixelAt(out.data, 400, 300);
    const [r2, g2, b2] = await pixelAt(thumbnail.data, 160, 120);
    expect(Math.abs(r1 - r2) + Math.abs(g1 - g2) + Math.abs(b1 - b2)).toBeLessThan(60); // noisy photo: roughly the same colour
  });

  it('keeps a progressive JPEG (scans and the tables between them) as it is', async () => {
    const progressive = await withAllMetadata(await makePhoto(1000, 750), { quality: 85, progressive: true });
    expect(jpegMarkers(progressive)).toContain('SOF2');
    const out = await normalizePhoto(progressive, limits);
    expect(sameScans(progressive, out.data)).toBe(true);
    expect(jpegStructure(out.data).markers.filter((m) => m.name === 'SOS').length).toBeGreaterThan(1);
    expect(out.data.includes('TestPhoneMaker')).toBe(false);
    expect((await rawPixels(out.data)).equals(await rawPixels(progressive))).toBe(true);
  });

  it('keeps 4:4:4 and EXIF orientation 1; 1600 px is still "not too big"', async () => {
    const full = await sharp(await makePhoto(1600, 900)).withMetadata({ orientation: 1 }).jpeg({ quality: 80, chromaSubsampling: '4:4:4' }).toBuffer();
    expect((await sharp(full).metadata()).orientation).toBe(1);
    const out = await normalizePhoto(full, limits);
    expect(sameScans(full, out.data)).toBe(true);
    expect([out.width, out.height]).toEqual([1600, 900]);
    const thumbnail = await makeThumbnail(out.data, true, limits);
    expect([thumbnail.width, thumbnail.height]).toEqual([320, 180]);
    expect((await sharp(out.data).metadata()).orientation).toBeUndefined();
  });

  it('stores only the main image of a multi-picture (MPF) JPEG: what follows its EOI is dropped', async () => {
    const main = await makePhoto(800, 600);
    const second = await sharp(await makePhoto(640, 480)).jpeg({ quality: 70 }).toBuffer();
    // APP2 "MPF\0" + a big-endian MP header (the index that points at the second image) + EXIF with an embedded thumbnail.
    const mpf = jpegSegment(0xe2, Buffer.concat([Buffer.from('MPF\0MM\0\x2a\0\0\0\x08', 'latin1'), Buffer.alloc(40, 1)]));
    const exifThumb = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), await sharp(await makePhoto(160, 120)).jpeg().toBuffer()]));
    const multi = Buffer.concat([insertAfterSoi(main, exifThumb, mpf), second]);

    const out = await normalizePhoto(multi, limits);
    const alone = await normalizePhoto(main, limits);
    expect(out.data.equals(alone.data)).toBe(true);
    expect(out.data.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(out.data.includes(jpegScans(second).subarray(0, 64))).toBe(false);
    expect(out.data.length).toBeLessThan(main.length + 100);
    expect(jpegMarkers(out.data)).not.toContain('APP2');
  });

  it('gives the same bytes for the same photo, whatever metadata came with it', async () => {
    const plain = await makePhoto(900, 700);
    const tagged900 = insertAfterSoi(plain, COM, APP13_IPTC, jpegSegment(0xe1, Buffer.from('Exif\0\0MM\0\x2a\0\0\0\x08\0\0', 'latin1')));
    const [a, b, c] = await Promise.all([normalizePhoto(plain, limits), normalizePhoto(plain, limits), normalizePhoto(tagged900, limits)]);
    expect(a.data.equals(b.data)).toBe(true);
    expect(c.data.equals(a.data)).toBe(true);
    const [ta, tc] = await Promise.all([makeThumbnail(a.data, true, limits), makeThumbnail(c.data, true, limits)]);
    expect(ta.data.equals(tc.data)).toBe(true);
  });
});

describe('normalizePhoto slow path: everything else is decoded and re-encoded', () => {
  it('rotates EXIF orientation 6 (width and height swap)', async () => {
    const rotated = await sharp(await makePhoto(800, 600)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const out = await normalizePhoto(rotated, limits);
    expect([out.width, out.height]).toEqual([600, 800]);
    const thumbnail = await makeThumbnail(out.data, true, limits);
    expect([thumbnail.width, thumbnail.height]).toEqual([240, 320]);
    expect((await sharp(out.data).metadata()).orientation).toBeUndefined();
  });

  it('resizes an oversize JPEG and re-encodes a PNG, a CMYK and a grayscale JPEG', async () => {
    const big = await withAllMetadata(await makePhoto(2400, 1800));
    const cmyk = await sharp(await makePhoto(640, 480)).toColourspace('cmyk').jpeg().toBuffer();
    const gray = await sharp(await makePhoto(640, 480)).toColourspace('b-w').jpeg().toBuffer();
    const png = await makePhoto(640, 480, 'png');
    expect((await sharp(gray).metadata()).channels).toBe(1);
    for (const [input, size] of [
      [big, [1600, 1200]],
      [cmyk, [640, 480]],
      [gray, [640, 480]],
      [png, [640, 480]],
    ] as const) {
      const out = await normalizePhoto(input, limits);
      expect([out.width, out.height]).toEqual(size);
      const meta = await sharp(out.data).metadata();
      expect([meta.format, meta.space, meta.channels, meta.exif, meta.icc]).toEqual(['jpeg', 'srgb', 3, undefined, undefined]);
      expect(jpegMarkers(out.data).filter((m) => !IMAGE_SEGMENTS.includes(m))).toEqual([]);
      expect(out.data.includes('TestPhoneMaker')).toBe(false);
      if (input !== png) expect(sameScans(input, out.data)).toBe(false);
    }
  });

  it('converts a Display P3 JPEG to sRGB instead of dropping its profile', async () => {
    // sRGB #c86432 written as Display P3 numbers (about #bb6a3e): right again only if the profile is applied.
    const p3 = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c86432' } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    const out = await normalizePhoto(p3, limits);
    expect(sameScans(p3, out.data)).toBe(false);
    expect((await sharp(out.data).metadata()).icc).toBeUndefined();
    const [r, g, b] = await pixelAt(out.data, 200, 150);
    expect(Math.abs(r - 200) + Math.abs(g - 100) + Math.abs(b - 50)).toBeLessThan(8);
  });

  it('re-encodes a JPEG when the output format is WebP', async () => {
    const out = await normalizePhoto(await makePhoto(800, 600), { ...limits, outputFormat: 'webp' });
    expect(out.mimeType).toBe('image/webp');
    expect((await sharp(out.data).metadata()).format).toBe('webp');
  });
});

describe('normalizePhoto refusals are the same on both paths', () => {
  let photo: Buffer;
  /** Forces the slow path for an 800x600 JPEG: one pixel over maxOutputEdge. */
  const slow = { ...limits, maxOutputEdge: 799 };
  beforeAll(async () => {
    photo = await makePhoto(800, 600);
  });

  it('refuses a truncated JPEG with corrupt (cut anywhere in its image data)', async () => {
    const sos = jpegStructure(photo).markers.find((m) => m.name === 'SOS')?.at ?? 0;
    for (const at of [sos + 20, Math.floor(photo.length / 2), photo.length - 100]) {
      const cut = photo.subarray(0, at);
      expect(await codeOf(normalizePhoto(cut, limits)), `cut at ${at}`).toBe('corrupt');
      expect(await codeOf(normalizePhoto(cut, slow)), `cut at ${at}`).toBe('corrupt');
    }
  });

  it('refuses image data that does not decode: the marker walk finds the undefined table, the slow path says why', async () => {
    // The scan asks for Huffman tables 3, which the file does not define: the header reads fine.
    const sos = jpegStructure(photo).markers.find((m) => m.name === 'SOS')?.at ?? 0;
    expect(photo.subarray(sos, sos + 7)).toEqual(Buffer.from([0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00]));
    const broken = Buffer.from(photo);
    broken[sos + 6] = 0x33;
    expect(stripJpegMetadata(broken)).toBeUndefined(); // the fast path does not take it
    for (const l of [limits, slow]) {
      const err = await normalizePhoto(broken, l).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'corrupt', message: expect.stringMatching(/^Photo could not be read \(decode, corrupt\): .*Huffman table/) });
    }
  });

  it('treats damaged but decodable data like the slow path does', async () => {
    const flipped = Buffer.from(photo);
    for (let i = 0; i < 30; i++) flipped[2000 + i * 997] = (flipped[2000 + i * 997] ?? 0) ^ 0x5a;
    const cutWithEoi = Buffer.concat([photo.subarray(0, Math.floor(photo.length * 0.7)), Buffer.from([0xff, 0xd9])]);
    for (const input of [flipped, cutWithEoi]) {
      expect(await codeOf(normalizePhoto(input, limits))).toBe(await codeOf(normalizePhoto(input, slow)));
    }
  });
});

describe('normalizePhoto under concurrency', () => {
  it('settles every photo of a burst, refused ones included (a few at a time, in order)', async () => {
    const good = await makePhoto(640, 480);
    const cut = good.subarray(0, good.length >> 1);
    const inputs = Array.from({ length: 12 }, (_, k) => (k % 3 === 2 ? cut : good));
    const codes = await Promise.all(inputs.map((input) => codeOf(normalizePhoto(input, limits))));
    expect(codes).toEqual(inputs.map((input) => (input === cut ? 'corrupt' : 'resolved')));
    expect(await codeOf(normalizePhoto(good, limits))).toBe('resolved'); // every slot was given back
  });
});

describe('stripJpegMetadata', () => {
  let photo: Buffer;
  beforeAll(async () => {
    photo = await makePhoto(400, 300);
  });

  it('walks fill bytes, stuffed bytes and restart markers in the scan data', () => {
    const frame = jpegSegment(0xc0, Buffer.from([8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]));
    const sos = jpegSegment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]));
    const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0x00, 0x78, 0xff, 0xd7, 0x9a]);
    // Quantisation tables 0 and 1; Huffman DC and AC tables 0 and 1 with one code each.
    const dqt = jpegSegment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1), Buffer.from([0x01]), Buffer.alloc(64, 1)]));
    const huffman = (classAndId: number) => Buffer.concat([Buffer.from([classAndId, 1]), Buffer.alloc(15), Buffer.from([0])]);
    const dht = jpegSegment(0xc4, Buffer.concat([0x00, 0x10, 0x01, 0x11].map(huffman)));
    const jpegWith = (...tables: Buffer[]) => Buffer.concat([Buffer.from([0xff, 0xd8]), ...tables, frame, sos, scan, Buffer.from([0xff, 0xff, 0xd9]), Buffer.from('trailer')]);
    const jpeg = jpegWith(dqt, dht);
    const stripped = stripJpegMetadata(jpeg);
    expect(stripped).toMatchObject({ width: 16, height: 16, progressive: false });
    expect(stripped?.data.subarray(-2 - scan.length)).toEqual(Buffer.concat([scan, Buffer.from([0xff, 0xd9])]));
    expect(stripJpegMetadata(jpeg.subarray(0, jpeg.indexOf('trailer') - 2))).toBeUndefined(); // no EOI
    // A scan whose tables were never defined is not decodable: left to the slow path, which says why.
    expect(stripJpegMetadata(jpegWith(dqt))).toBeUndefined();
    expect(stripJpegMetadata(jpegWith(dht))).toBeUndefined();
    expect(stripJpegMetadata(jpegWith(jpegSegment(0xdb, Buffer.concat([Buffer.from([0x01]), Buffer.alloc(64, 1)])), dht))).toBeUndefined(); // table 0 missing
    expect(stripJpegMetadata(jpegWith(dqt, jpegSegment(0xc4, Buffer.concat([0x00, 0x10, 0x01].map(huffman)))))).toBeUndefined(); // AC 1 missing
    expect(stripJpegMetadata(jpegWith(dqt, jpegSegment(0xc4, Buffer.from([0x00, 1]))))).toBeUndefined(); // malformed DHT
  });

  it('refuses what it cannot keep as is, so that normalizePhoto re-encodes it', async () => {
    const gray = await sharp(photo).toColourspace('b-w').jpeg().toBuffer();
    const cmyk = await sharp(photo).toColourspace('cmyk').jpeg().toBuffer();
    const noJfif = (jpeg: Buffer): Buffer => {
      const app0 = jpegStructure(jpeg).markers.find((m) => m.name === 'APP0');
      return app0 ? Buffer.concat([jpeg.subarray(0, app0.at), jpeg.subarray(app0.at + 2 + jpeg.readUInt16BE(app0.at + 2))]) : jpeg;
    };
    const adobe = (transform: number): Buffer => jpegSegment(0xee, Buffer.from([0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, transform]));
    const rgbIds = (() => {
      const b = Buffer.from(photo);
      const sof = jpegStructure(b).markers.find((m) => m.name === 'SOF0')?.at ?? 0;
      [0x52, 0x47, 0x42].forEach((id, k) => (b[sof + 10 + 3 * k] = id));
      return noJfif(b);
    })();
    expect(stripJpegMetadata(photo)).toBeDefined();
    expect(stripJpegMetadata(insertAfterSoi(noJfif(photo), adobe(1)))).toBeDefined(); // YCbCr, as the JFIF we write says
    for (const input of [gray, cmyk, insertAfterSoi(noJfif(photo), adobe(0)), insertAfterSoi(photo, adobe(2)), rgbIds, photo.subarray(0, photo.length - 2), Buffer.from('not a jpeg')]) {
      expect(stripJpegMetadata(input)).toBeUndefined();
    }
  });
});

describe('isSrgbIccProfile', () => {
  const profileOf = async (icc: string): Promise<Buffer> => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } });
    const img = await (icc === 'cmyk' ? base.toColourspace('cmyk') : base).withIccProfile(icc).jpeg().toBuffer();
    const profile = (await sharp(img).metadata()).icc;
    if (!profile) throw new Error(`no ${icc} profile`);
    return profile;
  };
  /** The profile with its three TRC tags replaced by one new tag (appended at the end). */
  const withTrc = (profile: Buffer, trc: Buffer): Buffer => {
    const out = Buffer.concat([profile, trc]);
    out.writeUInt32BE(out.length, 0);
    for (let i = 0; i < out.readUInt32BE(128); i++) {
      const entry = 132 + 12 * i;
      if (/^[rgb]TRC$/.test(out.toString('latin1', entry, entry + 4))) {
        out.writeUInt32BE(profile.length, entry + 4);
        out.writeUInt32BE(trc.length, entry + 8);
      }
    }
    return out;
  };
  /** The profile with one XYZ tag's value changed. */
  const withXyz = (profile: Buffer, signature: string, xyz: [number, number, number]): Buffer => {
    const out = Buffer.from(profile);
    for (let i = 0; i < out.readUInt32BE(128); i++) {
      const entry = 132 + 12 * i;
      if (out.toString('latin1', entry, entry + 4) !== signature) continue;
      const at = out.readUInt32BE(entry + 4);
      xyz.forEach((v, k) => out.writeInt32BE(Math.round(v * 65536), at + 8 + 4 * k));
    }
    return out;
  };
  const curv = (values: number[]): Buffer => {
    const b = Buffer.alloc(12 + 2 * values.length);
    b.write('curv', 0, 'latin1');
    b.writeUInt32BE(values.length, 8);
    values.forEach((v, k) => b.writeUInt16BE(Math.round(v * 65535), 12 + 2 * k));
    return b;
  };
  const srgbCurve = (n: number): number[] =>
    Array.from({ length: n }, (_, k) => (k / (n - 1) <= 0.04045 ? k / (n - 1) / 12.92 : ((k / (n - 1) + 0.055) / 1.055) ** 2.4));

  it('accepts sRGB (parametric or 1024-entry tone curves) and refuses P3, CMYK, gamma 2.2 and broken profiles', async () => {
    const srgb = await profileOf('srgb');
    expect(isSrgbIccProfile(srgb)).toBe(true);
    expect(isSrgbIccProfile(withTrc(srgb, curv(srgbCurve(1024))))).toBe(true);
    expect(isSrgbIccProfile(withTrc(srgb, curv(Array.from({ length: 1024 }, (_, k) => (k / 1023) ** 2.2))))).toBe(false);
    const gamma22 = Buffer.alloc(14);
    gamma22.write('curv', 0, 'latin1');
    gamma22.writeUInt32BE(1, 8);
    gamma22.writeUInt16BE(0x0233, 12);
    expect(isSrgbIccProfile(withTrc(srgb, gamma22))).toBe(false);
    // The classic v2 "sRGB IEC61966-2.1" profile stores a D65 media white point; anything else is not sRGB.
    expect(isSrgbIccProfile(withXyz(srgb, 'wtpt', [0.9505, 1.0, 1.0891]))).toBe(true);
    expect(isSrgbIccProfile(withXyz(srgb, 'wtpt', [0.9312, 1.0, 0.7441]))).toBe(false);
    expect(isSrgbIccProfile(withXyz(srgb, 'rXYZ', [0.6097, 0.3111, 0.0195]))).toBe(false); // Adobe RGB red
    expect(isSrgbIccProfile(await profileOf('p3'))).toBe(false);
    expect(isSrgbIccProfile(await profileOf('cmyk'))).toBe(false);
    expect(isSrgbIccProfile(srgb.subarray(0, 300))).toBe(false);
    expect(isSrgbIccProfile(Buffer.alloc(0))).toBe(false);
  });
});
