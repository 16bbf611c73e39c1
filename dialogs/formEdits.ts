import { FORM_FIELDS, newDraft, nextOpenStep, type ApplicationDraft, type Step } from './application.js';
import { parseField, type FieldKey } from './fields/index.js';

/** What became of values the customer gave for several fields at once (or one field out of turn). */
export interface FieldsTaken {
  draft: ApplicationDraft;
  /** Stored now, normalised, where nothing was before. */
  stored: Partial<Record<FieldKey, string>>;
  /** Stored now over an earlier, different value (said as a change). */
  changed: Partial<Record<FieldKey, string>>;
  /** Given but not usable (wrong shape): asked in their turn, with the reason then. */
  refused: FieldKey[];
  /** Given again as already recorded ("jatim" when Jawa Timur is the province): nothing changes. */
  same: Partial<Record<FieldKey, string>>;
}

/**
 * Stores every value that validates, for the fields this form asks; a value that needs a "did you
 * mean" (a province or email typo) becomes the pending question, asked before anything else; the
 * rest is asked in its turn. Values of fields the form does not ask (a complaint has no business
 * name) are left out.
 */
export function takeFields(draft: ApplicationDraft, given: Partial<Record<FieldKey, string>>): FieldsTaken {
  const asked = new Set<FieldKey>(FORM_FIELDS[draft.kind]);
  const fields = { ...draft.fields };
  const stored: Partial<Record<FieldKey, string>> = {};
  const changed: Partial<Record<FieldKey, string>> = {};
  const refused: FieldKey[] = [];
  const same: Partial<Record<FieldKey, string>> = {};
  let pending: { field: FieldKey; value: string; typed: string } | null = null;
  for (const [field, text] of Object.entries(given) as Array<[FieldKey, string]>) {
    if (!asked.has(field) || !text.trim()) continue;
    const outcome = parseField(field, text);
    if (outcome.kind === 'valid') {
      const before = fields[field];
      fields[field] = outcome.value;
      if (before === undefined) stored[field] = outcome.value;
      else if (before !== outcome.value) changed[field] = outcome.value;
      else same[field] = outcome.value;
    } else if (outcome.kind === 'confirm' && pending === null) {
      pending = { field, value: outcome.value, typed: outcome.typed };
    } else {
      refused.push(field);
    }
  }
  const next: ApplicationDraft = { ...draft, fields, attempts: 0 };
  if (pending) return { draft: { ...next, current: pending.field, pending: { value: pending.value, typed: pending.typed } }, stored, changed, refused, same };
  // A guess still waiting for its "ya" stays open, unless a value for its own field came now.
  const current = draft.current;
  if (draft.pending && current !== 'photo' && given[current] === undefined) return { draft: next, stored, changed, refused, same };
  return { draft: { ...next, pending: null, current: nextOpenStep(next) ?? draft.current }, stored, changed, refused, same };
}

/** The step before the current one in the form's order (the photo last), or null at the first. */
export function previousStep(draft: ApplicationDraft): Step | null {
  const steps: Step[] = [...FORM_FIELDS[draft.kind], 'photo'];
  const i = steps.indexOf(draft.current);
  return i > 0 ? (steps[i - 1] ?? null) : null;
}

/** Back one question: its answer stays until a new one is given. */
export function stepBack(draft: ApplicationDraft): ApplicationDraft {
  const previous = previousStep(draft);
  return previous ? { ...draft, current: previous, attempts: 0, pending: null } : draft;
}

/** The same form from its first question, nothing kept (a new idempotency key: nothing was filed). */
export function restartForm(draft: ApplicationDraft, id: string): ApplicationDraft {
  return newDraft(id, draft.kind);
}
