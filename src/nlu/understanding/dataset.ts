/**
 * Labelled messages for the understanding step: `nlu/acts.dev.jsonl` (the development set, tuned
 * on) and `nlu/acts.eval.jsonl` (written separately, not tuned on), one JSON object a line:
 * `{"open": <OpenQuestion>, "text": "…", "act": <Act>}` (types.ts). Parsed with zod, so a line
 * that does not follow the contract fails loudly with its line number.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { Act, OpenQuestion } from '../../../dialogs/understanding.js';

const fieldName = z.enum(['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email']);
const topic = z.enum(['fee', 'duration', 'verification', 'followUp', 'requirements', 'dataUse', 'other']);
const target = z.enum(['back', 'restart', 'next', 'menu', 'cancel', 'later', 'repeat']);

export const openQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('menu') }),
  z.object({ kind: z.literal('field'), field: fieldName }),
  z.object({ kind: z.literal('yesNo'), about: z.string() }),
  z.object({ kind: z.literal('summary') }),
  z.object({ kind: z.literal('choice'), about: z.string(), options: z.array(z.object({ value: z.string(), title: z.string() })) }),
  z.object({ kind: z.literal('photo'), required: z.boolean() }),
  z.object({ kind: z.literal('freeText'), about: z.string() }),
  z.object({ kind: z.literal('ticketNumber') }),
  z.object({ kind: z.literal('proof') }),
  z.object({ kind: z.literal('contact') }),
]) satisfies z.ZodType<OpenQuestion>;

export const actSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('answer') }),
  z.object({ kind: z.literal('fields'), fields: z.partialRecord(fieldName, z.string()) }),
  z.object({ kind: z.literal('correction'), field: z.union([fieldName, z.literal('photo')]), value: z.string().nullable() }),
  z.object({ kind: z.literal('question'), topic }),
  z.object({ kind: z.literal('navigation'), to: target }),
  z.object({ kind: z.literal('yes') }),
  z.object({ kind: z.literal('no') }),
  z.object({ kind: z.literal('thanks') }),
  z.object({ kind: z.literal('closing') }),
  z.object({ kind: z.literal('greeting'), religious: z.boolean() }),
  z.object({ kind: z.literal('officer') }),
  z.object({ kind: z.literal('complaint') }),
  z.object({ kind: z.literal('botComplaint') }),
  z.object({ kind: z.literal('language'), locale: z.enum(['id', 'en']) }),
  z.object({ kind: z.literal('unusable') }),
]) satisfies z.ZodType<Act>;

const lineSchema = z.object({ open: openQuestionSchema, text: z.string(), act: actSchema });

/** One labelled message. */
export interface LabelledTurn {
  readonly open: OpenQuestion;
  readonly text: string;
  readonly act: Act;
}

/** Reads a JSONL file of labelled turns; throws with the file and line on the first bad line. */
export function loadActSet(file: string): LabelledTurn[] {
  const turns: LabelledTurn[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
      }
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      turns.push(parsed.data as LabelledTurn);
    });
  return turns;
}

/** Whether two acts are the same act (field values compared trimmed; key order ignored). */
export function sameAct(a: Act, b: Act): boolean {
  return canonical(a) === canonical(b);
}

function canonical(act: Act): string {
  if (act.kind === 'fields') {
    const entries = Object.entries(act.fields)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => [k, v.trim()] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify({ kind: 'fields', fields: entries });
  }
  if (act.kind === 'correction') return JSON.stringify({ kind: act.kind, field: act.field, value: act.value?.trim() ?? null });
  const sorted = Object.fromEntries(Object.entries(act).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(sorted);
}
