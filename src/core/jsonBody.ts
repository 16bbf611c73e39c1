import express, { type RequestHandler } from 'express';

/**
 * How deep arrays and objects may nest in any JSON body the service parses. The deepest body a
 * client of ours sends (a Bot Framework activity with an Adaptive Card, a Meta webhook) nests about
 * a dozen levels; 64 leaves room for any of them.
 */
export const MAX_JSON_DEPTH = 64;

/** The answer to a body nested deeper than MAX_JSON_DEPTH, on every endpoint. */
export const TOO_DEEP = { error: 'json_too_deep' } as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether the JSON text in `bytes` (UTF-8) nests arrays and objects deeper than `max`. A scan of
 * the brackets outside strings: nothing is built, a string is skipped with a native search for its
 * closing quote, and the scan stops at the first bracket past the limit (a 6 MB body of 3 million
 * `[` is refused after 65 bytes). Malformed text is left to JSON.parse, which refuses it.
 *
 * Written here because nothing maintained does it before parsing: JSON.parse has no depth limit
 * and builds the whole value first (that body held the event loop for a second), a reviver runs
 * only after the value is built, and body-parser's `depth` option is for URL-encoded bodies only.
 * The bytes of `"`, `\`, brackets and braces never occur inside a multi-byte UTF-8 character, so
 * the bytes can be scanned without decoding them.
 */
export function nestedDeeperThan(bytes: Buffer, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) i = closingQuote(bytes, i);
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open` (one not escaped), or the end. */
function closingQuote(bytes: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** A body nested deeper than MAX_JSON_DEPTH; answered 400 with TOO_DEEP. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';

  constructor() {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.name = 'JsonTooDeepError';
  }
}

/** JSON.parse of `bytes` (UTF-8), refusing with JsonTooDeepError before parsing a body nested too deep. */
export function parseJson(bytes: Buffer): unknown {
  if (nestedDeeperThan(bytes)) throw new JsonTooDeepError();
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

/** The body as UTF-8 bytes: as it is, or re-encoded from the other charsets body-parser takes (UTF-16). */
function asUtf8(buf: Buffer, encoding: string): Buffer {
  if (!encoding || encoding.toLowerCase() === 'utf-8') return buf;
  try {
    return Buffer.from(new TextDecoder(encoding).decode(buf), 'utf8');
  } catch {
    // A charset body-parser knows and the platform does not (UTF-32, UTF-7): refused as malformed.
    throw Object.assign(new Error(`unsupported charset ${encoding}`), { status: 400, type: 'charset.unsupported' });
  }
}

/**
 * `express.json({ limit })` that refuses a body nested deeper than MAX_JSON_DEPTH with 400
 * `{"error":"json_too_deep"}` before parsing it. Every other refusal (too large, malformed) goes to
 * the error handlers as before.
 */
export function jsonBody(limit: string | number): RequestHandler {
  const parse = express.json({
    limit,
    // Called with the raw bytes, before the parse.
    verify: (_req, _res, buf, encoding) => {
      if (nestedDeeperThan(asUtf8(buf, encoding))) throw new JsonTooDeepError();
    },
  });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err instanceof JsonTooDeepError) {
        res.status(400).json(TOO_DEEP);
        return;
      }
      next(err);
    });
  };
}
