/**
 * A whole message that asks for a person ("mau ngobrol sama cs aja", "bisa dibantu petugas?",
 * "talk to a human please"). Every word must belong to such a request (nlu/acts.id.json
 * `officer`), so an answer that merely contains one of the words ("Toko Admin Jaya", "jasa admin
 * medsos") is never taken for one. Moved here from dialogs/commands.ts `asksForOfficer`.
 */
import type { Lexicon } from './lexicon.js';

export interface OfficerWords {
  readonly person: ReadonlySet<string>;
  readonly request: ReadonlySet<string>;
  readonly phrases: ReadonlyArray<readonly [RegExp, string]>;
}

export function officerWords(lexicon: Lexicon): OfficerWords {
  const o = lexicon.file.officer;
  return {
    person: new Set(o.person),
    request: new Set(o.request),
    phrases: o.phrases.map(([phrase, joined]) => [new RegExp(`\\b${phrase.replace(/ /g, '\\s*')}\\b`, 'g'), joined] as const),
  };
}

/**
 * A request for a person in one clause of a longer message: "lupa nomornya, sm petugas aja deh",
 * "sy mau ngobrol sm petugas aja, ga usah isi2 gini". The clause must say more than a bare person
 * word ("admin, saya mau tanya biaya" is a question addressed to the admin, not a request).
 */
export function asksForOfficerInClause(text: string, officer: OfficerWords, plain: (clause: string) => readonly string[]): boolean {
  const clauses = text.split(/[,.;!?\n]+/).map((c) => plain(c)).filter((w) => w.length >= 2);
  return clauses.length > 1 && clauses.some((words) => asksForOfficer(words, officer));
}

/** Whether plain words (text.ts `plainWords`) are, as a whole, a request for a person. */
export function asksForOfficer(words: readonly string[], officer: OfficerWords): boolean {
  if (words.length === 0 || words.length > 14) return false;
  let s = words.join(' ');
  for (const [re, joined] of officer.phrases) s = s.replace(re, joined);
  const joined = s.split(' ');
  return joined.some((w) => officer.person.has(w)) && joined.every((w) => officer.person.has(w) || officer.request.has(w));
}
