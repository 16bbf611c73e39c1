/**
 * City and province together: the province filled in from the city when the city determines it,
 * a mismatch (Kota Yogyakarta in Nusa Tenggara Timur) turned into a question, and the provinces of
 * a region ("jawa") offered to choose from. The look-ups are in fields/places.ts and
 * fields/province.ts.
 */
import { FORM_FIELDS, type ApplicationDraft } from './application.js';
import { matchProvince } from './fields/index.js';
import { provinceEntries } from './fields/province.js';
import { placesAgree, provinceOfCity } from './fields/places.js';
import type { Reply } from './reply.js';

export interface PlacesSettled {
  draft: ApplicationDraft;
  /** The province was filled in from the city now: say so. */
  inferred?: { city: string; province: string };
}

/**
 * After any change of the form: a province filled in from the city follows the city (filled,
 * changed, or emptied to be asked when the new city does not determine it); a province given by
 * the customer that does not fit a city of the data set becomes a question (once per pair).
 */
export function settlePlaces(draft: ApplicationDraft): PlacesSettled {
  if (!FORM_FIELDS[draft.kind].includes('province')) return { draft };
  const { city, province } = draft.fields;
  if (city === undefined || draft.pending) return { draft };
  const cityProvince = provinceOfCity(city);
  const followsCity = province === undefined || (draft.provinceFromCity !== undefined && province === draft.provinceFromCity);
  if (followsCity) {
    if (cityProvince !== undefined && cityProvince !== province) {
      return { draft: { ...draft, fields: { ...draft.fields, province: cityProvince }, provinceFromCity: cityProvince }, inferred: { city, province: cityProvince } };
    }
    if (cityProvince === undefined && province !== undefined) {
      const fields = { ...draft.fields };
      delete fields.province;
      return { draft: { ...draft, fields, provinceFromCity: undefined } };
    }
    return { draft };
  }
  const pair = `${city}|${province}`;
  if (cityProvince === undefined || !placesDisagree(city, province) || draft.placesChecked === pair) return { draft };
  return { draft: { ...draft, current: 'province', pending: { value: cityProvince, typed: province, about: 'mismatch' }, placesChecked: pair } };
}

/**
 * A province given that disagrees with the city: the mismatch question that follows names it,
 * so "Provinsi diubah menjadi …" first would only contradict it.
 */
export function contradictsCity(fields: ApplicationDraft['fields'], field: string, value: string): boolean {
  return field === 'province' && fields.city !== undefined && placesDisagree(fields.city, value);
}

/** A city of the data set that lies in another province than the one given. */
function placesDisagree(city: string, province: string): boolean {
  return provinceOfCity(city) !== undefined && placesAgree(city, province) === 'disagree';
}

/** "Kota Yogyakarta is in DI Yogyakarta, not Nusa Tenggara Timur. Which is right?" */
export function mismatchReply(draft: ApplicationDraft): Reply {
  const cityProvince = draft.pending?.value ?? '';
  const province = draft.pending?.typed ?? '';
  return {
    key: 'fields.province.mismatch',
    vars: { city: draft.fields.city ?? '', cityProvince, province },
    choices: [
      { value: 'ya', key: 'choices.asIs', vars: { value: cityProvince } },
      { value: 'tidak', key: 'choices.otherCity' },
    ],
  };
}

/** The province given was right, the city not: the province kept, the city asked again. */
export function keepProvinceAskCity(draft: ApplicationDraft): ApplicationDraft {
  const fields = { ...draft.fields };
  delete fields.city;
  return { ...draft, fields, current: 'city', pending: null, attempts: 0, placesChecked: undefined };
}

/** What a province's button sends: its name, or for "Papua" (also the island) an alias that is only the province. */
function choiceValue(name: string): string {
  if (matchProvince(name).kind !== 'region') return name;
  const entry = provinceEntries().find((p) => p.name === name);
  return entry?.aliases.find((a) => matchProvince(a).kind === 'exact') ?? name;
}

/** The region a text names ("jawa" → Jawa), or null. */
export function regionOf(text: string): string | null {
  const match = matchProvince(text);
  return match.kind === 'region' ? match.region : null;
}

/** A province has exactly this name (Papua: the island and the province left after the split). */
export const provinceNamed = (name: string): boolean => provinceEntries().some((p) => p.name === name);

/** The provinces of a region typed at the province question ("jawa"), as choices; null if not one. */
export function regionReply(text: string): Reply | null {
  const match = matchProvince(text);
  if (match.kind !== 'region') return null;
  return {
    key: 'fields.province.region',
    vars: { region: match.region, options: match.names.join(', ') },
    choices: match.names.map((name) => ({ value: choiceValue(name), key: 'choices.asIs', vars: { value: name } })),
  };
}

