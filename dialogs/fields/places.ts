/**
 * Regencies and cities (Kota/Kabupaten) of the data set (areaData.ts), as people type them: with
 * or without the "Kota"/"Kab." prefix, by a hand-written alias (cityAliases.ts), or with a typo;
 * and their province, to fill it in or to check it against the one given.
 *
 * A name can stand for several regencies: "Bandung" is Kota Bandung and Kabupaten Bandung, both in
 * Jawa Barat, so the province is still known; "Banjar" is a city in Jawa Barat and a regency in
 * Kalimantan Selatan, so it is not. Indexes are built at the first look-up, by normalised name.
 */
import { LRUCache } from 'lru-cache';
import { areaData } from './areaData.js';
import { CITY_ALIASES, CITY_GROUPS } from './cityAliases.js';
import { nearestUnique, typoThreshold, type FuzzyCandidate } from './fuzzy.js';
import { provinceDisplayName } from './province.js';
import { foldForMatch, toTitleCase } from './text.js';

export interface Regency {
  /** Stored name: "Kota Yogyakarta", "Kabupaten Sidoarjo", "Kota Jakarta Selatan". */
  readonly name: string;
  /** The name without its prefix, as compared: "yogyakarta". */
  readonly key: string;
  readonly kind: 'Kota' | 'Kabupaten';
  /** Stored name of its province. */
  readonly province: string;
}

/** What a name stands for: the value to store and the regencies it may be. */
export interface Place {
  readonly value: string;
  readonly regencies: readonly Regency[];
}

export type PlaceMatch =
  | ({ readonly kind: 'exact' } & Place)
  | ({ readonly kind: 'typo'; readonly distance: number } & Place)
  | { readonly kind: 'none' };

/** "Kota", "Kab.", "Kabupaten", "Kotamadya", "Kota Administrasi" … before the name, folded. */
const PREFIX = /^(?:(kabupaten|kab|kota|kotamadya|kodya|kot)(?: (?:administrasi|adm))?|administrasi|adm) /;
const KIND_OF_PREFIX: Readonly<Record<string, Regency['kind']>> = { kabupaten: 'Kabupaten', kab: 'Kabupaten' };

/** The folded name without spaces, and the prefix's kind when one was typed. */
export function placeKey(input: string): { key: string; kind?: Regency['kind'] } {
  const folded = foldForMatch(input);
  const prefix = PREFIX.exec(folded);
  if (!prefix) return { key: folded.replace(/ /g, '') };
  const word = prefix[1];
  const key = folded.slice(prefix[0].length).replace(/ /g, '');
  return word === undefined ? { key } : { key, kind: KIND_OF_PREFIX[word] ?? 'Kota' };
}

interface Index {
  /** Regencies by their name without the prefix ("bandung": the city and the regency). */
  readonly byKey: ReadonlyMap<string, readonly Regency[]>;
  /** Regencies by stored name. */
  readonly byName: ReadonlyMap<string, Regency>;
  /** Aliases and groups by key, resolved. */
  readonly aliases: ReadonlyMap<string, Place>;
  /** Everything a typo is compared with; the target is the stored value. */
  readonly candidates: readonly FuzzyCandidate<string>[];
  /** What each typo target stands for. */
  readonly targets: ReadonlyMap<string, Place>;
}

let index: Index | undefined;

function regencyOf(official: string, provinceCode: string, provinces: ReadonlyMap<string, string>): Regency {
  const kind = official.startsWith('KOTA ') ? 'Kota' : 'Kabupaten';
  const bare = official.replace(/^(?:KABUPATEN|KOTA)(?: ADMINISTRASI)? /, '');
  const name = `${kind} ${toTitleCase(bare, new Set(['dan']))}`;
  return { name, key: foldForMatch(bare).replace(/ /g, ''), kind, province: provinces.get(provinceCode) ?? '' };
}

/** The name without its prefix, as stored when it stands for several regencies ("Bandung"). */
const sharedName = (regency: Regency): string => regency.name.replace(/^(?:Kota|Kabupaten) /, '');

/**
 * What regencies of one name stand for: one of them, by its stored name (only one, or only one of
 * the kind typed); else the name alone, stored as such ("Bandung"), or with the kind typed when
 * there is none of that kind ("Kota Sleman": only a regency is called Sleman).
 */
function placeFor(regencies: readonly Regency[], kind?: Regency['kind']): Place {
  const first = regencies[0];
  if (!first) return { value: '', regencies };
  const ofKind = kind === undefined ? regencies : regencies.filter((r) => r.kind === kind);
  const only = ofKind.length === 1 ? ofKind[0] : undefined;
  if (only) return { value: only.name, regencies: ofKind };
  if (ofKind.length === 0) return { value: `${kind} ${sharedName(first)}`, regencies };
  return { value: sharedName(first), regencies };
}

function placeIndex(): Index {
  if (index) return index;
  const data = areaData();
  const provinces = new Map(data.provinces.map((p) => [p.code, provinceDisplayName(p.official)]));
  const regencies = data.regencies.map((r) => regencyOf(r.official, r.provinceCode, provinces));
  const byKey = new Map<string, Regency[]>();
  for (const r of regencies) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const byName = new Map(regencies.map((r) => [r.name, r]));
  const resolve = (target: string): Place => {
    const group = CITY_GROUPS[target];
    if (group) return { value: target, regencies: group.map((n) => byName.get(n)).filter((r): r is Regency => r !== undefined) };
    const named = byName.get(target);
    if (named) return { value: named.name, regencies: [named] };
    const { key, kind } = placeKey(target);
    return placeFor(byKey.get(key) ?? [], kind);
  };
  const aliases = new Map(Object.entries(CITY_ALIASES).map(([alias, target]) => [placeKey(alias).key, resolve(target)]));
  const targets = new Map<string, Place>();
  const candidates: FuzzyCandidate<string>[] = [];
  for (const [key, rs] of byKey) {
    const place = placeFor(rs);
    targets.set(place.value, place);
    candidates.push({ key, target: place.value });
  }
  for (const [key, place] of aliases) {
    targets.set(place.value, place);
    candidates.push({ key, target: place.value });
  }
  index = { byKey, byName, aliases, candidates, targets };
  return index;
}

/** Short names collide easily ("Batu", "Buton", "Bone"): a typo needs five letters or more. */
const cityThreshold = (inputLength: number, keyLength: number): number => (inputLength <= 4 ? 0 : typoThreshold(Math.min(inputLength, keyLength)));

/** Only the regencies of the kind typed ("Kab. Malang"), when there are such. */
function ofKind(place: Place, kind: Regency['kind'] | undefined): Place {
  if (kind === undefined) return place;
  const rs = place.regencies.filter((r) => r.kind === kind);
  return rs.length === 1 && rs[0] ? { value: rs[0].name, regencies: rs } : place;
}

/**
 * The regency or city that `input` names: exactly (official name, with or without its prefix, or
 * an alias), or as the single nearest one to a typo; `none` for a place not in the data set (a
 * district, a village), which is still a valid answer.
 */
export function matchCity(input: string): PlaceMatch {
  return matches.memo(input);
}

/**
 * Recent answers of matchCity. A stored city is looked up again after every change of the form
 * (settlePlaces), and a place outside the data set (a district, "Kepanjen") costs a typo search
 * over the names with its first letter each time. Matches are read-only values (their types say so), so they are shared.
 */
const matches = new LRUCache<string, PlaceMatch>({ max: 2048, memoMethod: (input) => findCity(input) });

function findCity(input: string): PlaceMatch {
  const { key, kind } = placeKey(input);
  if (key === '') return { kind: 'none' };
  const { byKey, aliases, candidates, targets } = placeIndex();
  // "Kotabaru", "Kotamobagu": a name that starts like a prefix.
  const whole = foldForMatch(input).replace(/ /g, '');
  const exact = (kind !== undefined ? byKey.get(whole) : undefined) ?? byKey.get(key);
  if (exact) return { kind: 'exact', ...placeFor(exact, byKey.has(whole) ? undefined : kind) };
  const alias = aliases.get(key) ?? aliases.get(whole);
  if (alias) return { kind: 'exact', ...ofKind(alias, kind) };
  // A typo rarely changes the first letter, and many names differ only there ("Lembang", a
  // district, and Rembang, a regency): only names with the same first letter are offered.
  const near = nearestUnique(
    key,
    candidates.filter((c) => c.key[0] === key[0]),
    cityThreshold,
  );
  const place = near ? targets.get(near.target) : undefined;
  if (!near || !place) return { kind: 'none' };
  return { kind: 'typo', distance: near.distance, ...ofKind(place, kind) };
}

/** The regencies a stored city name stands for (none when it is not in the data set). */
export function regenciesOf(city: string): readonly Regency[] {
  const match = matchCity(city);
  return match.kind === 'exact' ? match.regencies : [];
}

/** The province of a stored city, when the city determines it. */
export function provinceOfCity(city: string): string | undefined {
  const provinces = new Set(regenciesOf(city).map((r) => r.province));
  return provinces.size === 1 ? [...provinces][0] : undefined;
}

/**
 * Whether a city and a province go together: `unknown` when the city is not in the data set
 * (nothing to check), `agree` when one of the regencies it names lies in that province.
 */
export function placesAgree(city: string, province: string): 'agree' | 'disagree' | 'unknown' {
  const regencies = regenciesOf(city);
  if (regencies.length === 0) return 'unknown';
  return regencies.some((r) => r.province === province) ? 'agree' : 'disagree';
}
