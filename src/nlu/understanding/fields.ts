/**
 * Field values in one message: labelled ("nama sy Budi Santoso, usaha Keripik Bu Sri, jual
 * keripik singkong, di Malang jatim, hp 0812-3456-7890, email budi@gmail.com"), recognisable by
 * their shape (an e-mail address, a mobile number, a province), and unlabelled in the form's
 * order ("Budi Santoso, Keripik Bu Sri, keripik singkong, Malang, Jawa Timur, 0812…, budi@…").
 *
 * nlp.js NER (entities.ts) finds the labels, provinces, addresses and numbers. Cutting the values
 * between them is written here by hand: NER "trim" rules take the text after a word up to the end
 * of the message, or between two fixed words; a value here ends at whichever comes first of the
 * next label, the next address or number, or a separator, and a city may end where a province
 * begins ("di Malang jatim"). That would take a rule for every pair of labels and still miss the
 * last value, so the entities are recognised with NER and the spans between them cut here.
 *
 * Values are returned as typed (trimmed of the label, connecting words and separators); the
 * machine validates and normalises them with dialogs/fields.
 */
import { matchProvince } from '../../../dialogs/fields/province.js';
import { foldForMatch } from '../../../dialogs/fields/text.js';
import type { Entity } from './entities.js';
import type { Lexicon } from './lexicon.js';
import { plainWords } from './text.js';
import type { FieldName, OpenQuestion } from '../../../dialogs/understanding.js';

export type Fields = Partial<Record<FieldName, string>>;

/** The fields whose values are free text, in the form's order (unlabelled values are placed on these). */
const TEXT_FIELDS: readonly FieldName[] = ['name', 'businessName', 'productType', 'city'];
/** Most words a free-text value of each field plausibly has. */
const MAX_WORDS: Readonly<Record<FieldName, number>> = { name: 6, businessName: 8, productType: 10, city: 5, province: 4, phone: 8, email: 1 };

/** What separates values: commas, semicolons, new lines, bars, a full stop before a space, " - " and " / ". */
const SEPARATOR = /[,;|\n]+|\.(?=\s|$)|\s[-–/]\s/g;

/** The lexicon's field words, as lookup sets and word sequences. */
export interface FieldWords {
  readonly keepLabel: ReadonlySet<string>;
  readonly weakLabel: ReadonlySet<string>;
  /** Word sequences dropped at the start of a value, longest first. */
  readonly connectors: ReadonlyArray<readonly string[]>;
  readonly trailing: ReadonlySet<string>;
  readonly notValues: ReadonlySet<string>;
  readonly placeStop: ReadonlySet<string>;
  /** Place words that also describe products ("kerajinan dari bambu"): a place only where one is expected, or capitalised. */
  readonly placeInContext: ReadonlySet<string>;
  readonly cityLike: ReadonlySet<string>;
}

export function fieldWords(lexicon: Lexicon): FieldWords {
  const f = lexicon.file.fields;
  // Split as cleanValue reads a value's first words (an apostrophe separates: "i'm" is "i", "m").
  const sequences = (list: readonly string[]): string[][] =>
    list.map((c) => leadingWords(c, Infinity).words).filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  return {
    keepLabel: new Set(f.keepLabelInValue),
    weakLabel: new Set(f.weakLabels),
    connectors: sequences([...f.connectors, ...lexicon.file.correction.connectors]),
    trailing: new Set(f.trailing),
    notValues: new Set(f.notValues.flatMap((w) => plainWords(w))),
    placeStop: new Set(f.placeStop),
    placeInContext: new Set(f.placeLabelsInContext),
    cityLike: new Set(f.cityLikeProvinces),
  };
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Tests on a candidate piece of text that must not become a value (a greeting, a request, …). */
export interface PieceFilter {
  /** True when the words are, as a whole, a whole-message form ("halo min", "makasih"). */
  isForm(words: readonly string[]): boolean;
}

/**
 * The fields a message gives, or undefined when it gives none the open question should take as
 * `fields` (see docs/understanding.md: a bare value of the open field is an answer).
 */
export function readFields(
  text: string,
  entities: readonly Entity[],
  open: OpenQuestion,
  words: FieldWords,
  filter: PieceFilter,
): Fields | undefined {
  const fields: Fields = {};
  const consumed: Span[] = [];
  const separators = [...text.matchAll(SEPARATOR)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const shapes = entities.filter((e) => e.kind === 'email' || e.kind === 'phone');
  const labels = entities.filter((e): e is Extract<Entity, { kind: 'label' }> => e.kind === 'label');
  const provinces = entities.filter((e): e is Extract<Entity, { kind: 'province' }> => e.kind === 'province');

  // Shapes: an address is the e-mail, a mobile number the phone, wherever they are.
  for (const s of shapes) {
    const field: FieldName = s.kind === 'email' ? 'email' : 'phone';
    if (fields[field] === undefined) fields[field] = s.text;
    consumed.push(s);
  }

  // Labelled values: from the label to the next label, address, number or separator.
  const stops = [...labels, ...shapes].map((e) => e.start).concat(separators.map((s) => s.start), text.length);
  const textChunks = chunks(text, separators);
  let rejectedClause = false;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as Extract<Entity, { kind: 'label' }>;
    const target = label.target;
    const end = Math.min(...stops.filter((p) => p >= label.end));
    consumed.push({ start: label.start, end });
    if (target === 'photo' || target === 'email') continue;
    const labelWords = plainWords(label.text);
    const labelKey = labelWords.join(' ');
    const weak = words.weakLabel.has(labelKey);
    const region = { start: label.end, end };
    // "produk saya hilang dari etalase", "boleh jual makanan rumahan?": a labelled value only in a
    // chunk that is not a problem, a request or a question.
    const chunk = textChunks.find((c) => c.start <= label.start && label.start < c.end);
    if (chunk !== undefined && !plainChunk(text, chunk, labels, words)) {
      rejectedClause = true;
      continue;
    }
    if (words.placeInContext.has(labelKey) && !placeExpected(open) && !/^\s*\p{Lu}/u.test(text.slice(region.start, region.end))) continue;
    // "usaha saya nama Keripik Bu Sri": a "nama" right after an empty business label belongs to it.
    const next = labels[i + 1];
    if (next !== undefined && next.target === 'name' && next.start === end && cleanValue(text.slice(label.end, end), words) === '') {
      labels[i + 1] = { ...next, target };
      continue;
    }
    const raw = text.slice(region.start, region.end);
    if (target === 'phone') {
      // A landline or a number in another notation, after its label ("telp (0341) 551234").
      const digits = raw.replace(/[^\d]/g, '');
      const value = cleanValue(raw, words);
      if (fields.phone === undefined && digits.length >= 7 && /^\+?[\d\s().-]+$/.test(value)) fields.phone = value;
      continue;
    }
    if (target === 'city') {
      const city = readCity(text, region, provinces, labelKey, weak, words);
      if (city.city !== undefined && fields.city === undefined) fields.city = city.city;
      if (city.province !== undefined && fields.province === undefined) fields.province = city.province;
      continue;
    }
    if (target === 'province') {
      const value = cleanValue(raw, words);
      if (value !== '' && matchProvince(value).kind !== 'none' && fields.province === undefined) fields.province = value;
      continue;
    }
    let value = cleanValue(raw, words);
    if (value === '' || !plausible(value, target, words) || (weak && !plausibleAfterWeakLabel(value, words))) continue;
    // "usaha saya batal": a navigation word, a yes or a greeting is never a value.
    if (filter.isForm(plainWords(value))) continue;
    // "Kota Blitar" (typed as the proper name) keeps its prefix; "kota Gianyar", "kota Medan"
    // written as a label in a list does not (Gianyar is a regency: there is no "Kota Gianyar").
    const properPrefix = !CITY_PREFIX_LABELS.has(labelKey) || /^\p{Lu}/u.test(label.text);
    if (words.keepLabel.has(labelKey) && properPrefix && !/^\s*[:=]/.test(raw)) value = `${label.text} ${value}`;
    if (fields[target] === undefined) fields[target] = value;
  }

  // What is left: whole provinces and unlabelled pieces, separator by separator. A piece is
  // partial when its chunk also held a label or a value ("workshop sy" of "workshop sy di Gianyar").
  const pieces: Array<Span & { text: string; partial?: boolean }> = [];
  for (const chunk of chunks(text, separators)) {
    const left = subtract(text, chunk, consumed);
    const partial = consumed.some((c) => c.start < chunk.end && chunk.start < c.end);
    for (const piece of left) {
      const province = provinces.find((p) => p.start === piece.start && p.end === piece.end);
      if (province !== undefined && !words.cityLike.has(foldForMatch(province.text))) {
        if (fields.province === undefined) fields.province = province.text;
        continue;
      }
      const value = cleanValue(piece.text, words);
      if (value === '' || !/\p{L}/u.test(value)) continue;
      if (filter.isForm(plainWords(value))) continue;
      const start = piece.start + Math.max(0, piece.text.indexOf(value));
      const cleaned = { start, end: start + value.length, text: value, ...(partial ? { partial } : {}) };
      if (open.kind === 'field' && open.field === 'city' && fields.city === undefined) {
        // At the city question, "Semarang jateng" is a city and its province.
        const city = splitCity(cleaned, provinces, words);
        if (city.province !== undefined && fields.province === undefined && plausible(city.city, 'city', words)) {
          fields.province = city.province;
          pieces.push({ start, end: start + city.city.length, text: city.city });
          continue;
        }
      }
      // "Medan sumut": an unlabelled place with its province, whatever the open question.
      const place = fields.city === undefined ? splitCity(cleaned, provinces, words) : { city: cleaned.text };
      if (place.province !== undefined && fields.province === undefined && plausible(place.city, 'city', words)) {
        fields.city = place.city;
        fields.province = place.province;
        continue;
      }
      pieces.push(cleaned);
    }
  }

  const anchored = Object.keys(fields).length > 0;
  if (!anchored) return undefined;
  // "tidak ada produk khusus, jual kebutuhan harian": a message that also says something about its
  // values is an answer to be read whole, unless it carries an address or a number.
  if (rejectedClause && fields.email === undefined && fields.phone === undefined) return undefined;
  if (!placePieces(fields, pieces, open, text, provinces, words)) return undefined;

  const given = Object.keys(fields) as FieldName[];
  if (given.length === 0) return undefined;
  if (open.kind === 'menu' && given.length < 2) return undefined;
  if (open.kind === 'field' && given.length === 1 && given[0] === open.field && isWholeMessage(fields[open.field] ?? '', text, words)) {
    return undefined;
  }
  // "Jualan Bu Ida" at the business name: typed as a name, it is one; its first word is no label.
  if (open.kind === 'field' && given.length === 1 && TEXT_FIELDS.includes(given[0] as FieldName) && looksLikeAName(text)) return undefined;
  return fields;
}

/**
 * Places unlabelled pieces: at the menu or the first question, in the form's order on the free-text
 * fields not given otherwise ("Budi Santoso, Keripik Bu Sri, keripik singkong, Malang, …"); at a
 * later question, on the open field (joined as typed: "keripik, kue kering, 0812…" gives the
 * product "keripik, kue kering"). False when they cannot be placed.
 */
function placePieces(
  fields: Fields,
  all: ReadonlyArray<Span & { text: string; partial?: boolean }>,
  open: OpenQuestion,
  text: string,
  provinces: ReadonlyArray<Extract<Entity, { kind: 'province' }>>,
  words: FieldWords,
): boolean {
  if (all.length === 0) return true;
  // Leftovers of a clause that gave another value are context, not a value, once whole pieces exist.
  const whole = all.filter((p) => !p.partial);
  const pieces = open.kind === 'field' && open.field !== 'name' && whole.length > 0 ? whole : all;
  const usable = pieces.filter((p) => plausible(p.text, 'businessName', words));
  if (usable.length !== pieces.length) {
    // A piece that is a request or a question ("mau daftar", "gimana caranya"): only dropped at
    // the menu, where people greet and ask around their data.
    if (open.kind !== 'menu') return false;
  }
  if (usable.length === 0) return true;
  const firstQuestion = open.kind === 'menu' || (open.kind === 'field' && open.field === 'name');
  if (firstQuestion) {
    const slots = TEXT_FIELDS.filter((f) => fields[f] === undefined);
    if (usable.length > slots.length) return false;
    usable.forEach((piece, i) => {
      const field = slots[i] as FieldName;
      if (field === 'city') {
        const city = splitCity(piece, provinces, words);
        fields.city = city.city;
        if (city.province !== undefined && fields.province === undefined) fields.province = city.province;
      } else {
        fields[field] = piece.text;
      }
    });
    return usable.every((p, i) => plausible(p.text, slots[i] as FieldName, words));
  }
  if (open.kind !== 'field' || !TEXT_FIELDS.includes(open.field) || fields[open.field] !== undefined) return false;
  const first = usable[0] as Span;
  const last = usable[usable.length - 1] as Span;
  const value = usable.length === 1 ? (usable[0] as { text: string }).text : cleanValue(text.slice(first.start, last.end), words);
  if (open.field === 'city') {
    const city = splitCity({ ...first, end: last.end, text: value }, provinces, words);
    fields.city = city.city;
    if (city.province !== undefined && fields.province === undefined) fields.province = city.province;
  } else {
    fields[open.field] = value;
  }
  return plausible(value, open.field, words);
}

/** A city label's value, and a province that ends it ("di Malang jatim"). */
function readCity(
  text: string,
  region: Span,
  provinces: ReadonlyArray<Extract<Entity, { kind: 'province' }>>,
  labelKey: string,
  weak: boolean,
  words: FieldWords,
): { city?: string; province?: string } {
  const value = cleanValue(text.slice(region.start, region.end), words);
  if (value === '') return {};
  const start = region.start + text.slice(region.start, region.end).indexOf(value);
  const piece = { start, end: start + value.length, text: value };
  const whole = provinces.find((p) => p.start === piece.start && p.end === piece.end);
  if (whole !== undefined) {
    // "di jatim" is a province; "di Jakarta", "kota Jambi" are cities.
    const cityLike = words.cityLike.has(foldForMatch(whole.text));
    return weak && !cityLike ? { province: whole.text } : { city: keepLabel(labelKey, text, region, value, words) };
  }
  if (weak && !plausibleAfterWeakLabel(value, words)) return {};
  const split = splitCity(piece, provinces, words);
  if (!plausible(split.city, 'city', words)) return {};
  return { city: keepLabel(labelKey, text, region, split.city, words), ...(split.province ? { province: split.province } : {}) };
}

/**
 * "kab Malang" keeps its "kab" (Kabupaten Malang is not Kota Malang); "kota: Malang" does not; nor
 * does a lower-case "kota" in a list of labels ("kota Gianyar": Gianyar is a regency, there is no
 * Kota Gianyar), while "Kota Blitar", typed as the proper name, keeps it.
 */
function keepLabel(labelKey: string, text: string, region: Span, value: string, words: FieldWords): string {
  if (!words.keepLabel.has(labelKey) || /^\s*[:=]/.test(text.slice(region.start, region.end))) return value;
  const labelText = text.slice(0, region.start).trimEnd().split(/\s+/).at(-1) ?? '';
  if (CITY_PREFIX_LABELS.has(labelKey) && !/^\p{Lu}/u.test(labelText)) return value;
  return `${labelText} ${value}`;
}

/** A city piece ending in a province ("Malang jatim", "Kab. Malang, Jawa Timur") split in two. */
function splitCity(
  piece: Span & { text: string },
  provinces: ReadonlyArray<Extract<Entity, { kind: 'province' }>>,
  words: FieldWords,
): { city: string; province?: string } {
  const tail = provinces.find((p) => p.end === piece.end && p.start > piece.start);
  if (tail === undefined) return typoTail(piece.text, words) ?? { city: piece.text };
  const city = cleanValue(piece.text.slice(0, tail.start - piece.start), words);
  return city === '' ? { city: piece.text } : { city, province: tail.text };
}

/**
 * "Malang jawa timr": a city whose last one or two words are a province typed with a typo (the
 * entity recogniser knows the provinces' exact names and short forms only). The province is
 * returned as typed; the form's validation then asks "Jawa Timur?".
 */
const CITY_PREFIX_LABELS = new Set(['kota', 'kotamadya']);

const PROVINCE_FIRST_WORDS = /^(jawa|jwa|sumatera|sumatra|kalimantan|sulawesi|nusa|papua|kepulauan|kep|bangka|maluku|dki|di)$/i;

function typoTail(text: string, words: FieldWords): { city: string; province: string } | undefined {
  // Only two-word province names whose first word is right ("jawa timr", "sulawesi selatn"): a
  // single word near a short province name is too often a product ("kabel" ~ "Kalbar").
  const parts = text.trim().split(/\s+/);
  if (parts.length <= 2 || !PROVINCE_FIRST_WORDS.test(parts.at(-2) ?? '')) return undefined;
  const tail = parts.slice(-2).join(' ');
  if (matchProvince(tail).kind !== 'typo') return undefined;
  const city = cleanValue(parts.slice(0, -2).join(' '), words);
  return city !== '' ? { city, province: tail } : undefined;
}

/**
 * Drops connecting words and punctuation at the start ("saya", "adalah", ":", "namanya") and
 * address words, particles and punctuation at the end ("ya min", "dong").
 */
export function cleanValue(raw: string, words: FieldWords): string {
  let s = raw.trim().replace(/^[\s:=\-–.,;]+/, '');
  for (let changed = true; changed; ) {
    changed = false;
    const lead = leadingWords(s);
    for (const seq of words.connectors) {
      if (seq.length <= lead.words.length && seq.every((w, i) => lead.words[i] === w)) {
        const cut = lead.ends[seq.length - 1] as number;
        s = s.slice(cut).replace(/^[\s:=\-–.,;]+/, '');
        changed = true;
        break;
      }
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    s = s.replace(/[\s:=\-–.,;!?~*"'()]+$/u, '').replace(/\p{Extended_Pictographic}+\s*$/u, '').trimEnd();
    const m = /(?:^|\s)([\p{L}]+)$/u.exec(s);
    if (m && words.trailing.has((m[1] as string).toLowerCase())) {
      s = s.slice(0, m.index);
      changed = true;
    }
  }
  return s.trim();
}

/** The first words of `s` (plain, lower case) with where each ends in `s`. */
function leadingWords(s: string, max = 4): { words: string[]; ends: number[] } {
  const out: string[] = [];
  const ends: number[] = [];
  for (const m of s.matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push(m[0].toLowerCase());
    ends.push(m.index + m[0].length);
    if (out.length >= max) break;
  }
  return { words: out, ends };
}

/** Whether a free-text value can be one: no question, no request, no negation, not too long. */
function plausible(value: string, field: FieldName, words: FieldWords): boolean {
  if (value === '' || /[?]/.test(value) || !/\p{L}/u.test(value)) return false;
  if (/\S@\S/.test(value)) return false;
  const plain = plainWords(value);
  if (plain.length > MAX_WORDS[field]) return false;
  if (plain.some((w) => words.notValues.has(w))) return false;
  if ((field === 'city' || field === 'name') && /\d/.test(value)) return false;
  return true;
}

/** After "di", "dari", "in", "from", "no": a short value that is not a place word ("di rumah", "dari tadi"). */
function plausibleAfterWeakLabel(value: string, words: FieldWords): boolean {
  const plain = plainWords(value);
  return plain.length > 0 && plain.length <= 4 && !words.placeStop.has(plain[0] as string);
}

/** True when the chunk's words outside its labels have no question mark and no word that is never in a value. */
function plainChunk(text: string, chunk: Span, labels: readonly Span[], words: FieldWords): boolean {
  const raw = text.slice(chunk.start, chunk.end);
  if (raw.includes('?')) return false;
  const outside = subtract(text, chunk, labels).flatMap((p) => plainWords(p.text));
  return !outside.some((w) => words.notValues.has(w));
}

/** Where a place is expected after "dari" / "from": at the menu, the first question and the city. */
function placeExpected(open: OpenQuestion): boolean {
  return open.kind === 'menu' || (open.kind === 'field' && (open.field === 'name' || open.field === 'city'));
}

/** The text split at separators, each chunk trimmed. */
function chunks(text: string, separators: readonly Span[]): Span[] {
  const out: Span[] = [];
  let at = 0;
  for (const s of [...separators, { start: text.length, end: text.length }]) {
    if (s.start > at) out.push({ start: at, end: s.start });
    at = s.end;
  }
  return out;
}

/** The parts of `chunk` outside every consumed span, trimmed, with their text. */
function subtract(text: string, chunk: Span, consumed: readonly Span[]): Array<Span & { text: string }> {
  const inside = consumed.filter((c) => c.start < chunk.end && chunk.start < c.end).sort((a, b) => a.start - b.start);
  const out: Array<Span & { text: string }> = [];
  let at = chunk.start;
  for (const c of [...inside, { start: chunk.end, end: chunk.end }]) {
    if (c.start > at) {
      const raw = text.slice(at, c.start);
      const lead = raw.length - raw.trimStart().length;
      const trimmed = raw.trim();
      if (trimmed !== '') out.push({ start: at + lead, end: at + lead + trimmed.length, text: trimmed });
    }
    at = Math.max(at, c.end);
  }
  return out;
}

/** Two or more words, each beginning with a capital, no question mark, on one line: how names are typed. */
export function looksLikeAName(text: string): boolean {
  const words = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  return words.length >= 2 && !/[?\n]/.test(text) && words.every((w) => /^\p{Lu}/u.test(w));
}

/** True when `value` is the whole message (give or take punctuation and particles at the ends). */
function isWholeMessage(value: string, text: string, words: FieldWords): boolean {
  return cleanValue(text, { ...words, connectors: [] }) === value;
}

