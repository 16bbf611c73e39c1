import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { normalizePhoto } from './normalizePhoto.js';
import { DEFAULT_PHOTO_LIMITS } from './photoTypes.js';

/**
 * A JPEG like a phone camera's, 4000x3000 (12 MP) unless asked otherwise: gradients, some structure
 * and sensor-like noise, so the decoder and encoders do real work (a flat colour would make the
 * benchmark meaningless). Baseline, quality 90, 4:2:0, only a JFIF APP0: at 1600 px or less
 * `normalizePhoto` keeps it as it is (its fast path), at 12 MP it decodes, resizes and re-encodes
 * it (the slow path). Deterministic: the same bytes every run.
 */
export async function makeBenchmarkJpeg(width = 4000, height = 3000): Promise<Buffer> {
  const pixels = Buffer.allocUnsafe(width * height * 3);
  let seed = 0x2545f491;
  const noise = (): number => {
    // xorshift32, centred on 0, roughly +-12
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) % 25) - 12;
  };
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
  let i = 0;
  for (let y = 0; y < height; y++) {
    const fy = y / height;
    for (let x = 0; x < width; x++) {
      const fx = x / width;
      const wave = 40 * Math.sin(x / 37 + 3 * Math.sin(y / 211)) * Math.cos(y / 53);
      const tile = ((x >> 6) + (y >> 6)) % 2 === 0 ? 18 : -18;
      pixels[i++] = clamp(60 + 150 * fx + wave + tile + noise());
      pixels[i++] = clamp(50 + 140 * fy - wave / 2 + noise());
      pixels[i++] = clamp(200 - 120 * fx * fy + wave / 3 - tile + noise());
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/**
 * Times `normalizePhoto` (default limits: 1600 px JPEG; thumbnails are made later, on request) on `makeBenchmarkJpeg`,
 * 12 MP by default (the slow path; e.g. `{ width: 800, height: 600 }` for the fast path), one photo
 * at a time after one untimed warm-up run. Wall-clock median and p90, and the process's CPU time
 * (user + system, every thread: libvips works outside the JS thread) per photo.
 */
export async function benchmarkNormalize(
  iterations: number,
  size: { width: number; height: number } = { width: 4000, height: 3000 },
): Promise<{ medianMs: number; p90Ms: number; cpuMsPerPhoto: number }> {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be a positive integer');
  const input = await makeBenchmarkJpeg(size.width, size.height);
  await normalizePhoto(input, DEFAULT_PHOTO_LIMITS);
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let n = 0; n < iterations; n++) {
    const start = performance.now();
    await normalizePhoto(input, DEFAULT_PHOTO_LIMITS);
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuMsPerPhoto = (cpu.user + cpu.system) / 1000 / iterations;
  times.sort((a, b) => a - b);
  const at = (k: number): number => times[Math.min(times.length - 1, Math.max(0, k))] ?? Number.NaN;
  const mid = Math.floor(times.length / 2);
  const medianMs = times.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  const p90Ms = at(Math.ceil(0.9 * times.length) - 1);
  return { medianMs: round(medianMs), p90Ms: round(p90Ms), cpuMsPerPhoto: round(cpuMsPerPhoto) };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
