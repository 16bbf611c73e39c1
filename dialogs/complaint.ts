import { CATALOG, CATALOG_GROUPS, catalogEntry } from './catalog.js';
import type { Choice, Reply } from './reply.js';

/** What the classifier said about a message (src/nlu), as the dialog needs it. */
export interface NluResult {
  label: string;
  confidence: number;
  alternatives: Array<{ label: string; confidence: number }>;
}

/** A Marketplace complaint as far as the customer got (SOP section 2). */
export interface ComplaintDraft {
  /** The customer's own words. */
  description: string;
  /** Catalogue numbers the classifier proposed, best first. */
  candidates: number[];
  catalogNumber: number | null;
  /** Index into CATALOG_GROUPS while browsing, and the page within the group. */
  group: number | null;
  page: number;
}

/**
 * From this confidence on a service type is proposed alone, for a one-tap confirmation. Chosen on
 * the stratified cross-validation of `npm run nlu:eval` (issue 14): at 0.7 about 1.6% of the
 * one-tap offers were wrong, at 0.85 about 0.6%, for a tenth fewer offers; a wrong one-tap costs
 * more than a choice among three.
 */
export const CONFIDENT = 0.85;
/** Account take-over and data leaks: urgent, and an officer is offered at once. */
export const URGENT_TYPES: readonly number[] = [18, 19];
/** Rows per page when browsing a group: WhatsApp lists hold 10 rows, two are "next" and "back". */
export const PAGE_SIZE = 8;

export const typeNumberOf = (label: string): number | null => {
  const m = /^type:(\d{2})$/.exec(label);
  return m ? Number(m[1]) : null;
};

/**
 * The service type the classifier is sure enough of to propose alone, for a one-tap
 * confirmation; null when the customer should choose from the candidates instead. The one place
 * that decides it: the menu (dialogs/conversation.setup.ts) and `npm run nlu:eval`'s count of
 * wrong one-tap confirmations both use it.
 */
export function oneTapType(nlu: NluResult): number | null {
  const n = typeNumberOf(nlu.label);
  return n !== null && nlu.confidence >= CONFIDENT ? n : null;
}

/** The catalogue numbers among the classifier's best guesses, best first, without repeats. */
export function candidateTypes(nlu: NluResult, max = 3): number[] {
  const labels = [nlu.label, ...nlu.alternatives.map((a) => a.label)];
  const numbers = labels.map(typeNumberOf).filter((n): n is number => n !== null);
  return [...new Set(numbers)].slice(0, max);
}

export function newComplaint(description: string, nlu: NluResult | null): ComplaintDraft {
  return { description, candidates: nlu ? candidateTypes(nlu) : [], catalogNumber: null, group: null, page: 0 };
}

/**
 * A service type's label as a sentence shows it: the catalogue keeps the seed's labels verbatim,
 * some with a closing full stop, which inside "Masalahnya: *…*. Apakah benar?" doubled it.
 */
export const typeLabel = (n: number): string => (catalogEntry(n)?.label ?? String(n)).replace(/\.+$/, '');

const typeChoice = (n: number): Choice => ({ value: `tipe ${n}`, key: 'choices.asIs', vars: { value: typeLabel(n) } });

export function confirmTypeReply(n: number): Reply {
  return {
    key: 'complaint.confirmType',
    vars: { label: typeLabel(n) },
    choices: [
      { value: 'ya', key: 'choices.yes' },
      { value: 'bukan', key: 'choices.notThis' },
      // An account take-over or a data leak: a person at once, if the customer wants.
      ...(URGENT_TYPES.includes(n) ? [{ value: 'petugas', key: 'choices.officer' }] : []),
    ],
  };
}

export function chooseTypeReply(candidates: number[]): Reply {
  if (candidates.length === 0) return groupsReply();
  return {
    key: 'complaint.chooseType',
    choices: [...candidates.map(typeChoice), { value: 'kelompok', key: 'choices.browseGroups' }],
  };
}

export function groupsReply(): Reply {
  return {
    key: 'complaint.chooseGroup',
    choices: CATALOG_GROUPS.map((g, i) => ({ value: `kelompok ${i + 1}`, key: 'choices.asIs', vars: { value: g } })),
  };
}

export function typesOfGroup(group: number): number[] {
  const name = CATALOG_GROUPS[group];
  return CATALOG.filter((e) => e.group === name).map((e) => e.number);
}

/** One page of a group's types, with "next" when more follow and always a way back. */
export function browseReply(group: number, page: number): Reply {
  const all = typesOfGroup(group);
  const shown = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const more = (page + 1) * PAGE_SIZE < all.length;
  return {
    key: 'complaint.chooseInGroup',
    vars: { group: CATALOG_GROUPS[group] ?? '' },
    choices: [
      ...shown.map(typeChoice),
      ...(more ? [{ value: 'berikutnya', key: 'choices.next' }] : []),
      { value: 'kembali', key: 'choices.back' },
    ],
  };
}

/** "tipe 23", "23", "no 23" -> 23 when it is a catalogue number. */
export function typeFromText(text: string): number | null {
  const m = /^(?:tipe|type|no\.?|nomor)?\s*(\d{1,2})$/i.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  return catalogEntry(n) ? n : null;
}

/** "kelompok 5" -> index 4; also the group's name ("transaksi"). */
export function groupFromText(text: string): number | null {
  const s = text.trim().toLowerCase();
  const m = /^kelompok\s*(\d)$/.exec(s);
  if (m) {
    const i = Number(m[1]) - 1;
    return i >= 0 && i < CATALOG_GROUPS.length ? i : null;
  }
  const i = CATALOG_GROUPS.findIndex((g) => g.toLowerCase() === s);
  return i >= 0 ? i : null;
}
