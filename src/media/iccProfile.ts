/**
 * Is an embedded ICC profile just sRGB (so dropping it changes nothing, since a JPEG without a
 * profile is read as sRGB)? Decided from what the profile does, never from its name: an RGB
 * matrix/TRC display profile whose D50-adapted primaries are sRGB's and whose three tone curves
 * follow the sRGB curve. Anything else (Display P3, Adobe RGB, gamma-2.2 "sRGB-like" curves, LUT-based
 * profiles, anything malformed or unusual) is "not sRGB" and the photo is converted instead.
 */

/** sRGB primaries, Bradford-adapted to D50 as ICC profiles store them (IEC 61966-2-1 / ICC). */
const SRGB_PRIMARIES: Record<'rXYZ' | 'gXYZ' | 'bXYZ', readonly [number, number, number]> = {
  rXYZ: [0.4361, 0.2225, 0.0139],
  gXYZ: [0.3851, 0.7169, 0.0971],
  bXYZ: [0.1431, 0.0606, 0.7141],
};
/** The media white point: D50 (ICC v4 and most v2 profiles) or D65 (the classic HP/Microsoft v2 sRGB profile). */
const WHITE_POINTS: readonly (readonly [number, number, number])[] = [
  [0.9642, 1.0, 0.8249],
  [0.9505, 1.0, 1.0891],
];
/** s15Fixed16 values differ a little between profile makers (rounding, adaptation method). */
const XYZ_TOLERANCE = 0.003;
/** LUT-based transforms take precedence over matrix/TRC in a CMM; we do not evaluate them. */
const LUT_TAGS = /^(A2B[0-2]|B2A[0-2]|D2B[0-3]|B2D[0-3])$/;

/** The sRGB transfer function (encoded 0..1 to linear 0..1). */
function srgbToLinear(x: number): number {
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
}

/**
 * True when a tone curve matches the sRGB curve everywhere to within 0.05 % of full scale plus
 * 0.5 % of the value: a 1024- or 4096-entry table or an ICC parametric curve of sRGB passes, a
 * pure gamma 2.2 (near black, a quarter of the sRGB value) does not.
 */
function curveIsSrgb(curve: (x: number) => number | undefined): boolean {
  for (let i = 0; i <= 255; i++) {
    const x = i / 255;
    const expected = srgbToLinear(x);
    const actual = curve(x);
    if (actual === undefined || !Number.isFinite(actual)) return false;
    if (Math.abs(actual - expected) > 0.0005 + 0.005 * expected) return false;
  }
  return true;
}

export function isSrgbIccProfile(icc: Buffer): boolean {
  if (icc.length < 132) return false;
  const declaredSize = icc.readUInt32BE(0);
  if (declaredSize < 132 || declaredSize > icc.length) return false;
  const profile = icc.subarray(0, declaredSize);
  const ascii = (at: number): string => profile.toString('latin1', at, at + 4);
  const deviceClass = ascii(12);
  if ((deviceClass !== 'mntr' && deviceClass !== 'scnr') || ascii(16) !== 'RGB ' || ascii(20) !== 'XYZ ') return false;

  const count = profile.readUInt32BE(128);
  if (count > (declaredSize - 132) / 12) return false;
  const tags = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const entry = 132 + 12 * i;
    const signature = ascii(entry);
    const offset = profile.readUInt32BE(entry + 4);
    const size = profile.readUInt32BE(entry + 8);
    if (offset + size > declaredSize || size < 8) return false;
    if (LUT_TAGS.test(signature)) return false;
    tags.set(signature, profile.subarray(offset, offset + size));
  }

  const xyz = (signature: string): [number, number, number] | undefined => {
    const tag = tags.get(signature);
    if (!tag || tag.length < 20 || tag.toString('latin1', 0, 4) !== 'XYZ ') return undefined;
    return [tag.readInt32BE(8) / 65536, tag.readInt32BE(12) / 65536, tag.readInt32BE(16) / 65536];
  };
  const near = (a: readonly number[] | undefined, b: readonly number[]): boolean =>
    a !== undefined && a.every((v, k) => Math.abs(v - (b[k] ?? Number.NaN)) <= XYZ_TOLERANCE);

  for (const [signature, expected] of Object.entries(SRGB_PRIMARIES)) {
    if (!near(xyz(signature), expected)) return false;
  }
  const white = xyz('wtpt');
  if (!WHITE_POINTS.some((w) => near(white, w))) return false;
  return ['rTRC', 'gTRC', 'bTRC'].every((signature) => {
    const tag = tags.get(signature);
    return tag !== undefined && curveIsSrgb(toneCurve(tag));
  });
}

/** A 'curv' or 'para' tag as a function on 0..1 (undefined where the tag cannot be read). */
function toneCurve(tag: Buffer): (x: number) => number | undefined {
  const type = tag.toString('latin1', 0, 4);
  if (type === 'curv' && tag.length >= 12) {
    const entries = tag.readUInt32BE(8);
    // 0 entries is the identity and 1 a pure gamma: neither is sRGB.
    if (entries < 2 || tag.length < 12 + 2 * entries) return () => undefined;
    return (x) => {
      const at = x * (entries - 1);
      const i = Math.min(entries - 2, Math.floor(at));
      const a = tag.readUInt16BE(12 + 2 * i) / 65535;
      const b = tag.readUInt16BE(14 + 2 * i) / 65535;
      return a + (b - a) * (at - i);
    };
  }
  if (type === 'para' && tag.length >= 12) {
    const fn = tag.readUInt16BE(8);
    const paramCount = [1, 3, 4, 5, 7][fn];
    if (paramCount === undefined || tag.length < 12 + 4 * paramCount) return () => undefined;
    const p = Array.from({ length: 7 }, (_, k) => (k < paramCount ? tag.readInt32BE(12 + 4 * k) / 65536 : 0));
    const [g = 0, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = p;
    const pow = (base: number): number => (base <= 0 ? 0 : base ** g);
    switch (fn) {
      case 0:
        return (x) => pow(x);
      case 1:
        return (x) => (x >= -b / a ? pow(a * x + b) : 0);
      case 2:
        return (x) => (x >= -b / a ? pow(a * x + b) + c : c);
      case 3:
        return (x) => (x >= d ? pow(a * x + b) : c * x);
      default:
        return (x) => (x >= d ? pow(a * x + b) + e : c * x + f);
    }
  }
  return () => undefined;
}
