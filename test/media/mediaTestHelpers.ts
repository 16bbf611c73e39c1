import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { PhotoError, type PhotoErrorCode } from '../../src/media/index.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 with per-path handlers; records the requests it saw. */
export async function startServer(): Promise<{
  base: string;
  route: (path: string, handler: Handler) => void;
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  close: () => Promise<void>;
}> {
  const routes = new Map<string, Handler>();
  const requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    route: (path, handler) => routes.set(path, handler),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves a fixed body (optionally with a misleading content type). */
export function serveBytes(body: Buffer, contentType = 'image/jpeg'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(body.length) });
    res.end(body);
  };
}

/** A photo-like image: gradient plus noise, so encoders do real work and sizes are meaningful. */
export async function makePhoto(width: number, height: number, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const noise = sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 20 } } });
  const gradient = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="#c03"/><stop offset="1" stop-color="#09c"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)" opacity="0.7"/></svg>`,
  );
  const img = sharp(await noise.png().toBuffer()).composite([{ input: gradient }]);
  return format === 'jpeg' ? img.jpeg({ quality: 90 }).toBuffer() : img.png().toBuffer();
}

/** JPEG marker segments before the image data, e.g. ['SOI', 'APP0', 'DQT', ...]. */
export function jpegMarkers(buf: Buffer): string[] {
  const names: Record<number, string> = { 0xd8: 'SOI', 0xda: 'SOS', 0xfe: 'COM', 0xdb: 'DQT', 0xc4: 'DHT', 0xc0: 'SOF0', 0xc2: 'SOF2', 0xdd: 'DRI' };
  const out: string[] = [];
  let i = 0;
  while (i + 1 < buf.length) {
    if (buf[i] !== 0xff) throw new Error(`bad JPEG marker at ${i}`);
    const m = buf[i + 1] ?? 0;
    out.push(m >= 0xe0 && m <= 0xef ? `APP${m - 0xe0}` : (names[m] ?? `0x${m.toString(16)}`));
    if (m === 0xd8) {
      i += 2;
      continue;
    }
    if (m === 0xda) break;
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return out;
}

/**
 * Reads the GPS IFD out of a raw EXIF block (as returned by sharp's metadata().exif):
 * { latitudeRef, latitude: [[num, den] x3] } or undefined when there is no GPS IFD.
 */
export function readExifGps(exif: Buffer): { latitudeRef: string; latitude: [number, number][] } | undefined {
  const tiff = exif.subarray(exif.indexOf('Exif\0\0', 0, 'latin1') + 6);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const entries = (ifd: number): { tag: number; type: number; count: number; at: number }[] =>
    Array.from({ length: u16(ifd) }, (_, k) => {
      const at = ifd + 2 + 12 * k;
      return { tag: u16(at), type: u16(at + 2), count: u32(at + 4), at: at + 8 };
    });
  const gpsPointer = entries(u32(4)).find((e) => e.tag === 0x8825);
  if (!gpsPointer) return undefined;
  const gps = entries(u32(gpsPointer.at));
  const ref = gps.find((e) => e.tag === 1);
  const lat = gps.find((e) => e.tag === 2);
  if (!ref || !lat) return undefined;
  const latOffset = u32(lat.at);
  return {
    latitudeRef: tiff.toString('latin1', ref.at, ref.at + 1),
    latitude: Array.from({ length: lat.count }, (_, k): [number, number] => [u32(latOffset + 8 * k), u32(latOffset + 8 * k + 4)]),
  };
}

/** RGB of one pixel of an encoded image. */
export async function pixelAt(img: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [data[o] ?? -1, data[o + 1] ?? -1, data[o + 2] ?? -1];
}

/** The PhotoError code a promise rejects with, or 'resolved'. */
export async function codeOf(p: Promise<unknown>): Promise<PhotoErrorCode | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (err instanceof PhotoError) return err.code;
    throw err;
  }
}

const MARKER_NAMES: Record<number, string> = {
  0xd8: 'SOI', 0xd9: 'EOI', 0xda: 'SOS', 0xfe: 'COM', 0xdb: 'DQT', 0xc4: 'DHT', 0xc0: 'SOF0', 0xc1: 'SOF1', 0xc2: 'SOF2', 0xdd: 'DRI',
};

/**
 * Every marker of the main image, scans included, e.g. ['SOI', 'APP0', 'DQT', 'SOF0', 'DHT', 'SOS', 'EOI'],
 * with the offset of each and `end` (just after the EOI; anything after it is not part of the image).
 */
export function jpegStructure(buf: Buffer): { markers: { name: string; at: number }[]; end: number } {
  const markers: { name: string; at: number }[] = [];
  let i = 0;
  for (;;) {
    if (buf[i] !== 0xff) throw new Error(`bad JPEG marker at ${i}`);
    while (buf[i + 1] === 0xff) i++;
    const m = buf[i + 1];
    if (m === undefined) throw new Error('no EOI');
    markers.push({ name: m >= 0xe0 && m <= 0xef ? `APP${m - 0xe0}` : (MARKER_NAMES[m] ?? `0x${m.toString(16)}`), at: i });
    if (m === 0xd8) {
      i += 2;
      continue;
    }
    if (m === 0xd9) return { markers, end: i + 2 };
    const next = i + 2 + buf.readUInt16BE(i + 2);
    if (m !== 0xda) {
      i = next;
      continue;
    }
    // Entropy-coded data: up to the first 0xFF that starts neither a stuffed byte nor RSTn.
    i = next;
    while (!(buf[i] === 0xff && buf[i + 1] !== 0x00 && !((buf[i + 1] ?? 0) >= 0xd0 && (buf[i + 1] ?? 0) <= 0xd7))) {
      if (i >= buf.length) throw new Error('no EOI');
      i++;
    }
  }
}

/** The scans of the main image (from the first SOS to the EOI included): what a lossless strip must keep as is. */
export function jpegScans(buf: Buffer): Buffer {
  const { markers, end } = jpegStructure(buf);
  const sos = markers.find((m) => m.name === 'SOS');
  if (!sos) throw new Error('no SOS');
  return buf.subarray(sos.at, end);
}

/** One JPEG marker segment: 0xFF, the code, the length, the body. */
export function jpegSegment(code: number, body: Buffer | string): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const head = Buffer.from([0xff, code, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** The JPEG with `segments` inserted right after its SOI. */
export function insertAfterSoi(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}
