/**
 * The classifier's labels and its data files (`nlu/corpus.id.json`, `nlu/eval.id.jsonl` at the
 * repository root). Labels: `type:01` … `type:40` for the 40 catalogue service types
 * (dialogs/catalog.ts) and `intent:<name>` for the conversational intents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectDir } from '../projectDir.js';
import { CATALOG, catalogEntry, type CatalogEntry } from '../../dialogs/catalog.js';

/** The conversational intents, besides the 40 service types. */
export const INTENTS = [
  'register_seller',
  'status_inquiry',
  'ask_human',
  'promo_info',
  'greeting',
  'out_of_scope',
] as const;
export type IntentName = (typeof INTENTS)[number];

/** `type:01` … `type:40`, in catalogue order. */
export const TYPE_LABELS: readonly string[] = CATALOG.map((e) => typeLabel(e.number));
/** `intent:register_seller`, … */
export const INTENT_LABELS: readonly string[] = INTENTS.map((i) => `intent:${i}`);
/** Every label the classifier can return. */
export const ALL_LABELS: readonly string[] = [...TYPE_LABELS, ...INTENT_LABELS];

/** Training data: label -> utterances. */
export type Corpus = Readonly<Record<string, readonly string[]>>;

/** One evaluation message with its gold label. */
export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

/** `type:07` for catalogue entry 7. */
export function typeLabel(n: number): string {
  return `type:${String(n).padStart(2, '0')}`;
}

/** 'type' or 'intent' (the label families reported separately by the evaluation). */
export function labelFamily(label: string): 'type' | 'intent' {
  return label.startsWith('type:') ? 'type' : 'intent';
}

/** The catalogue entry a `type:NN` label stands for, or undefined for intents / unknown labels. */
export function catalogEntryForLabel(label: string): CatalogEntry | undefined {
  const m = /^type:(\d{2})$/.exec(label);
  return m ? catalogEntry(Number(m[1])) : undefined;
}

const labelSchema = z.string().refine((l) => ALL_LABELS.includes(l), { message: 'unknown label' });

const corpusFileSchema = z.object({
  description: z.string().optional(),
  utterances: z.record(labelSchema, z.array(z.string().trim().min(1))),
});

const evalLineSchema = z.object({ text: z.string().trim().min(1), label: labelSchema });

/**
 * The repository's `nlu/` folder, found by walking up from this module (works from `src/nlu`
 * under tsx/vitest and from `dist/src/nlu` after a build).
 */
export function nluDataDir(): string {
  return projectDir('nlu', 'corpus.id.json', import.meta.url);
}

/** Reads and validates the training corpus (default `nlu/corpus.id.json`). */
export function loadCorpus(file: string = path.join(nluDataDir(), 'corpus.id.json')): Corpus {
  const parsed = corpusFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  return parsed.utterances;
}

/** Reads and validates the evaluation set (default `nlu/eval.id.jsonl`), one JSON object a line. */
export function loadEvalSet(file: string = path.join(nluDataDir(), 'eval.id.jsonl')): LabelledText[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      const result = evalLineSchema.safeParse(JSON.parse(line));
      if (!result.success) throw new Error(`${file}:${n}: ${result.error.message}`);
      return result.data;
    });
}

/** The corpus as (text, label) pairs. */
export function corpusExamples(corpus: Corpus): LabelledText[] {
  return Object.entries(corpus).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
}
