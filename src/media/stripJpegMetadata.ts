/**
 * Lossless metadata removal for the JPEGs we can store as they are (the fast path of
 * `normalizePhoto`): the marker segments are walked in JS and only what a decoder needs to
 * reproduce the pixels is copied; the compressed image data itself is never touched.
 *
 * Kept, byte for byte and in their order: DQT, SOF0/SOF1/SOF2, DHT, DRI, and every SOS with its
 * entropy-coded data (restart markers and 0xFF00 byte stuffing included). Written by us: SOI, one
 * canonical JFIF APP0 (version 1.01, 1:1 pixel aspect, no thumbnail) and EOI.
 *
 * Dropped: every APPn segment (APP0 JFIF/JFXX, which can carry a thumbnail of the ORIGINAL picture;
 * APP1 EXIF and XMP with GPS, maker notes and an EXIF thumbnail; APP2 ICC, FlashPix and MPF; APP13
 * Photoshop/IPTC; APP14 Adobe; the others), COM segments, fill bytes, and everything after the EOI
 * of the main image (MPF secondary images, Samsung/Google motion-photo videos, trailing junk).
 *
 * APP14 "Adobe" only carries the colour transform. Dropping it is safe because the input is only
 * accepted when every libjpeg-style decoder reads its three components as YCbCr (no Adobe segment
 * or Adobe transform 1, and component ids other than 'R','G','B'), and the JFIF APP0 we write says
 * exactly that (libjpeg: "JFIF implies YCbCr"). Anything else (RGB-coded JPEGs, CMYK/YCCK,
 * grayscale, 12-bit, lossless, arithmetic-coded, hierarchical, DNL, unusual chroma sampling, no EOI,
 * anything not understood) returns undefined, and the caller takes the slow (re-encoding) path.
 *
 * The walk also checks what a decoder checks before it decodes any pixel: every table a scan or
 * the frame refers to (Huffman DC/AC, quantisation) was defined before that scan, every scan's
 * components are the frame's, and the main image ends with an EOI after at least one scan. A
 * file that fails any of these returns undefined too (the slow path's full decode then says why).
 * Inside the entropy-coded data, libjpeg treats damage as a warning and decodes on (grey blocks);
 * so does the slow path, so the two paths accept the same files.
 */

export interface StrippedJpeg {
  /** SOI, JFIF APP0, the image's tables, frame header and scans, EOI. */
  data: Buffer;
  width: number;
  height: number;
  progressive: boolean;
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
/** FF E0, length 16, "JFIF\0", version 1.01, units 0 (aspect ratio only), density 1:1, no thumbnail. */
const JFIF_APP0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);

const DQT = 0xdb;
const DHT = 0xc4;
const DRI = 0xdd;
const SOS = 0xda;
const EOI_CODE = 0xd9;
const COM = 0xfe;
/** Huffman-coded, 8-bit capable frames: baseline, extended sequential, progressive. */
const SOF_BASELINE = 0xc0;
const SOF_EXTENDED = 0xc1;
const SOF_PROGRESSIVE = 0xc2;

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  componentIds: [number, number, number];
  /** Quantisation table of each component, in frame order. */
  quantTables: [number, number, number];
}

/** The tables defined so far: Huffman by class (0 DC, 1 AC) and id, quantisation by id. */
interface Tables {
  huffman: Set<number>;
  quant: Set<number>;
}

/**
 * The JPEG without any metadata, or undefined when it is not a plain 8-bit, 3-component YCbCr
 * Huffman JPEG that ends with an EOI (then the caller must re-encode it instead).
 */
export function stripJpegMetadata(input: Buffer): StrippedJpeg | undefined {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) return undefined;
  const kept: Buffer[] = [SOI, JFIF_APP0];
  let frame: Frame | undefined;
  let scans = 0;
  let adobeTransform: number | undefined;
  const tables: Tables = { huffman: new Set(), quant: new Set() };
  let pos = 2;

  for (;;) {
    // A marker: 0xFF, any number of 0xFF fill bytes, the marker code.
    if (input[pos] !== 0xff) return undefined;
    while (input[pos] === 0xff) pos++;
    const code = input[pos];
    if (code === undefined) return undefined;
    const markerStart = pos - 1;
    pos++;

    if (code === EOI_CODE) {
      if (!frame || scans === 0) return undefined;
      break; // the main image ends here: whatever follows is dropped
    }
    if (code === 0xd8 || code === 0x01 || (code >= 0xd0 && code <= 0xd7)) return undefined; // SOI, TEM, RSTn: not here
    // Every other marker has a length.
    if (pos + 2 > input.length) return undefined;
    const length = input.readUInt16BE(pos);
    const end = pos + length;
    if (length < 2 || end > input.length) return undefined;
    const body = input.subarray(pos + 2, end);

    if (code >= 0xe0 && code <= 0xef) {
      // APPn: dropped; only the Adobe colour transform matters for how the pixels are read.
      if (code === 0xee && body.length >= 12 && body.toString('latin1', 0, 5) === 'Adobe') {
        if (adobeTransform !== undefined && adobeTransform !== body[11]) return undefined;
        adobeTransform = body[11];
      }
    } else if (code === COM) {
      // dropped
    } else if (code === DQT || code === DHT || code === DRI) {
      if (code === DQT && !defineQuantTables(body, tables.quant)) return undefined;
      if (code === DHT && !defineHuffmanTables(body, tables.huffman)) return undefined;
      kept.push(input.subarray(markerStart, end));
    } else if (code === SOF_BASELINE || code === SOF_EXTENDED || code === SOF_PROGRESSIVE) {
      if (frame || scans > 0) return undefined;
      frame = parseFrame(body, code === SOF_PROGRESSIVE);
      if (!frame) return undefined;
      kept.push(input.subarray(markerStart, end));
    } else if (code === SOS) {
      if (!frame || !scanTablesDefined(body, frame, tables)) return undefined;
      const dataEnd = entropyDataEnd(input, end);
      if (dataEnd === undefined) return undefined;
      kept.push(input.subarray(markerStart, dataEnd));
      scans++;
      pos = dataEnd;
      continue;
    } else {
      // Other SOFn (lossless, hierarchical, arithmetic), DAC, DNL, DHP, EXP, JPGn, reserved: not ours.
      return undefined;
    }
    pos = end;
  }

  if (!frame) return undefined;
  // YCbCr for every decoder, so that our JFIF APP0 does not change how the pixels are read.
  if (adobeTransform !== undefined && adobeTransform !== 1) return undefined;
  const [c0, c1, c2] = frame.componentIds;
  if (c0 === 0x52 && c1 === 0x47 && c2 === 0x42) return undefined; // 'R','G','B'

  kept.push(EOI);
  return { data: Buffer.concat(kept), width: frame.width, height: frame.height, progressive: frame.progressive };
}

/** SOFn body: 8-bit precision, a real height (no DNL), 3 components, luma 1 or 2 x 1 or 2, chroma 1x1. */
function parseFrame(body: Buffer, progressive: boolean): Frame | undefined {
  if (body.length !== 6 + 3 * 3) return undefined;
  const precision = body[0];
  const height = body.readUInt16BE(1);
  const width = body.readUInt16BE(3);
  const components = body[5];
  if (precision !== 8 || components !== 3 || height === 0 || width === 0) return undefined;
  const ids: number[] = [];
  const quant: number[] = [];
  for (let c = 0; c < 3; c++) {
    const id = body[6 + 3 * c] ?? -1;
    const sampling = body[7 + 3 * c] ?? 0;
    quant.push(body[8 + 3 * c] ?? -1);
    const h = sampling >> 4;
    const v = sampling & 0x0f;
    if (c === 0 ? h < 1 || h > 2 || v < 1 || v > 2 : h !== 1 || v !== 1) return undefined;
    if (ids.includes(id)) return undefined;
    ids.push(id);
  }
  return { width, height, progressive, componentIds: [ids[0] ?? -1, ids[1] ?? -1, ids[2] ?? -1], quantTables: [quant[0] ?? -1, quant[1] ?? -1, quant[2] ?? -1] };
}

/** DQT body: one or more (precision/id, 64 or 128 bytes); false when malformed. 8-bit frames take 8-bit tables (precision 0). */
function defineQuantTables(body: Buffer, quant: Set<number>): boolean {
  let at = 0;
  while (at < body.length) {
    const pq = (body[at] ?? 0) >> 4;
    const tq = (body[at] ?? 0) & 0x0f;
    if (pq !== 0 || tq > 3) return false;
    at += 1 + 64;
    if (at > body.length) return false;
    quant.add(tq);
  }
  return body.length > 0;
}

/** DHT body: one or more (class/id, 16 code counts, the values); false when malformed. */
function defineHuffmanTables(body: Buffer, huffman: Set<number>): boolean {
  let at = 0;
  while (at < body.length) {
    const tc = (body[at] ?? 0) >> 4;
    const th = (body[at] ?? 0) & 0x0f;
    if (tc > 1 || th > 3 || at + 17 > body.length) return false;
    let values = 0;
    for (let i = 1; i <= 16; i++) values += body[at + i] ?? 0;
    if (values === 0 || values > 256) return false;
    at += 17 + values;
    if (at > body.length) return false;
    huffman.add((tc << 4) | th);
  }
  return body.length > 0;
}

/**
 * SOS header: its components are the frame's, each once; the quantisation table of each was
 * defined; and the Huffman tables the scan decodes with were defined (sequential: DC and AC;
 * progressive: DC for a first DC scan, AC for an AC scan, none for a DC refinement).
 */
function scanTablesDefined(body: Buffer, frame: Frame, tables: Tables): boolean {
  const count = body[0] ?? 0;
  if (count < 1 || count > 3 || body.length !== 1 + 2 * count + 3) return false;
  const ss = body[1 + 2 * count] ?? 0;
  const ah = (body[3 + 2 * count] ?? 0) >> 4;
  const seen = new Set<number>();
  for (let c = 0; c < count; c++) {
    const id = body[1 + 2 * c] ?? -1;
    const td = (body[2 + 2 * c] ?? 0) >> 4;
    const ta = (body[2 + 2 * c] ?? 0) & 0x0f;
    const index = frame.componentIds.indexOf(id);
    if (index < 0 || seen.has(id)) return false;
    seen.add(id);
    if (!tables.quant.has(frame.quantTables[index] ?? -1)) return false;
    const needsDc = !frame.progressive || (ss === 0 && ah === 0);
    const needsAc = !frame.progressive || ss > 0;
    if (needsDc && !tables.huffman.has(td)) return false;
    if (needsAc && !tables.huffman.has(0x10 | ta)) return false;
  }
  return true;
}

/**
 * Offset of the marker that ends the entropy-coded data starting at `from`: 0xFF 0x00 is a stuffed
 * data byte and 0xFF 0xD0..0xD7 a restart marker, both part of the data; 0xFF fill bytes may
 * precede either. Undefined when the data runs to the end of the buffer (no EOI: truncated).
 */
function entropyDataEnd(buf: Buffer, from: number): number | undefined {
  let p = from;
  for (;;) {
    p = buf.indexOf(0xff, p);
    if (p < 0) return undefined;
    let q = p + 1;
    while (buf[q] === 0xff) q++;
    const next = buf[q];
    if (next === undefined) return undefined;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      p = q + 1;
      continue;
    }
    return p;
  }
}
