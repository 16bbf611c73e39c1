import { PhotoError } from './photoTypes.js';

/**
 * Decodes a `data:` URL (base64 or percent-encoded). The declared media type is ignored: the
 * bytes are judged later. Throws PhotoError `tooLarge` when the payload is over `maxBytes`
 * (checked before decoding for base64) and `downloadFailed` when it is not a data URL.
 */
export function decodeDataUrl(url: string, maxBytes: number): Buffer {
  const comma = url.indexOf(',');
  // The header ("data:image/png;base64") is short; don't scan a huge string for it.
  if (!/^data:/i.test(url) || comma < 0 || comma > 1024) {
    throw new PhotoError('downloadFailed', 'Not a data: URL');
  }
  const header = url.slice(5, comma);
  let payload = url.slice(comma + 1);

  if (/;base64\s*$/i.test(header)) {
    // The usual case in one pass of the decoder, with no scan of the (large) string: when every
    // character is base64, the decoded length is exactly what the payload's length says. Line
    // breaks or other characters make it shorter, and the careful path below decides.
    const expected = Buffer.byteLength(payload, 'base64');
    if (expected <= maxBytes) {
      const decoded = Buffer.from(payload, 'base64');
      if (decoded.length === expected) return decoded;
    }
    if (/\s/.test(payload)) payload = payload.replace(/\s+/g, '');
    if (/[^A-Za-z0-9+/=_-]/.test(payload)) throw new PhotoError('downloadFailed', 'Malformed base64 in data: URL');
    if (Buffer.byteLength(payload, 'base64') > maxBytes) {
      throw new PhotoError('tooLarge', `Photo in data: URL is over the limit of ${maxBytes} bytes`);
    }
    return Buffer.from(payload, 'base64');
  }

  // Percent-encoded: each output byte takes at least one character, so the decoded size is at most
  // the payload length; decode byte-wise (decodeURIComponent would mangle non-UTF-8 bytes).
  const out = Buffer.allocUnsafe(payload.length);
  let n = 0;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    if (c === 0x25 /* % */ && /^[0-9a-fA-F]{2}$/.test(payload.slice(i + 1, i + 3))) {
      out[n++] = parseInt(payload.slice(i + 1, i + 3), 16);
      i += 2;
    } else if (c < 0x80) {
      out[n++] = c;
    } else {
      throw new PhotoError('downloadFailed', 'Malformed data: URL');
    }
    if (n > maxBytes) throw new PhotoError('tooLarge', `Photo in data: URL is over the limit of ${maxBytes} bytes`);
  }
  return Buffer.from(out.subarray(0, n));
}
