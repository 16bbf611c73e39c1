/**
 * The dialog-act classifier: what a message is when no whole-message form matched — a question
 * about the procedure (and its topic), a complaint about the bot, a Marketplace problem, a
 * closing, thanks, a greeting, or an ordinary answer. It is the same nlp.js + TF-IDF ensemble as
 * the Marketplace classifier (src/nlu/classifier.ts), trained at start-up on
 * `nlu/acts.corpus.id.json`, whose `complaint` label is completed with a few utterances of every
 * service type of the Marketplace corpus (nlu/corpus.id.json), so that problems are learnt from
 * the data that already describes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MarketplaceClassifier, type Classification } from '../classifier.js';
import { loadCorpus, nluDataDir, type Corpus } from '../corpus.js';
import type { ModelCache } from '../modelCache.js';
import type { QuestionTopic } from '../../../dialogs/understanding.js';

export const QUESTION_TOPICS: readonly QuestionTopic[] = ['fee', 'duration', 'verification', 'followUp', 'requirements', 'dataUse', 'other'];

export const ACT_LABELS = [
  'answer',
  ...QUESTION_TOPICS.map((t) => `question:${t}` as const),
  'botComplaint',
  'complaint',
  'closing',
  'thanks',
  'greeting',
] as const;

const actCorpusSchema = z.object({
  description: z.string(),
  /** How many utterances of each Marketplace service type join the `complaint` label. */
  complaintsPerServiceType: z.number().int().min(0),
  utterances: z.record(z.enum(ACT_LABELS), z.array(z.string().trim().min(1))),
});

export type ActCorpus = z.infer<typeof actCorpusSchema>;

/** Reads and validates `nlu/acts.corpus.id.json`. */
export function loadActCorpus(file: string = path.join(nluDataDir(), 'acts.corpus.id.json')): ActCorpus {
  return actCorpusSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** The act corpus with the Marketplace complaints added (every k-th utterance of each service type). */
export function actTrainingCorpus(acts: ActCorpus = loadActCorpus(), marketplace: Corpus = loadCorpus()): Corpus {
  const complaints: string[] = [];
  const per = acts.complaintsPerServiceType;
  for (const [label, texts] of Object.entries(marketplace)) {
    if (!label.startsWith('type:') || per === 0) continue;
    const step = Math.max(1, Math.floor(texts.length / per));
    for (let i = 0, n = 0; i < texts.length && n < per; i += step, n++) complaints.push(texts[i] as string);
  }
  return { ...acts.utterances, complaint: [...(acts.utterances.complaint ?? []), ...complaints] };
}

/** A trained act classifier. */
export interface ActClassifier {
  classify(text: string): Promise<Classification>;
}

/** Trains the act classifier (well under a second), its network read from `cache` when it holds it. */
export async function trainActClassifier(corpus: Corpus = actTrainingCorpus(), cache?: ModelCache): Promise<ActClassifier> {
  return MarketplaceClassifier.train(corpus, undefined, cache);
}

/** The topic of a `question:*` label. */
export function topicOf(label: string): QuestionTopic | undefined {
  const topic = label.startsWith('question:') ? label.slice('question:'.length) : undefined;
  return QUESTION_TOPICS.find((t) => t === topic);
}
