/** Text fitting shared by the Meta channels: every channel has a length limit and none may break an emoji. */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** UTF-16 units, the stricter of the usual ways Meta's limits are counted. */
export const utf16Length = (s: string): number => s.length;

/**
 * At most `max` UTF-16 units, cut on a grapheme boundary and ended with '…' when cut (the '…'
 * counts in `max`).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

/**
 * Splits `text` into pieces each measuring at most `limit` (UTF-16 units by default; Instagram
 * measures UTF-8 bytes). Each cut prefers, in this order, a paragraph break, a line break, then
 * a space (not a no-break space), as long as it keeps at least half of the room; else the last
 * space anywhere; else the last grapheme boundary that fits. The whitespace at a cut is dropped.
 * Pieces are never empty.
 */
export function splitText(text: string, limit: number, measure: (s: string) => number = utf16Length): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest) {
    if (measure(rest) <= limit) {
      chunks.push(rest);
      break;
    }
    const cut = findCut(rest, fittingPrefixEnd(rest, limit, measure));
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return chunks;
}

/** The largest grapheme-boundary index whose prefix fits (at least one grapheme, so progress is made). */
function fittingPrefixEnd(text: string, limit: number, measure: (s: string) => number): number {
  let end = 0;
  let size = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const next = size + measure(segment);
    if (next > limit) return end > 0 ? end : index + segment.length;
    size = next;
    end = index + segment.length;
  }
  return end;
}

/** Where to cut so that the piece is `text.slice(0, cut)` with `cut <= end`. */
function findCut(text: string, end: number): number {
  // One more character: a break right after the fitting prefix is a clean cut too.
  const window = text.slice(0, end + 1);
  const halfway = Math.floor(end / 2);
  const candidates = [lastBreak(window, /\n[^\S\n]*\n/g, end), lastBreak(window, /\n/g, end), lastBreak(window, /[^\S\u00a0\u202f]/g, end)];
  for (const at of candidates) if (at !== undefined && at >= halfway) return at;
  return candidates[2] ?? end;
}

/** The start of the last match of `re` in `window` that begins after 0 and at or before `end`. */
function lastBreak(window: string, re: RegExp, end: number): number | undefined {
  let found: number | undefined;
  for (const match of window.matchAll(re)) {
    if (match.index > 0 && match.index <= end) found = match.index;
  }
  return found;
}
