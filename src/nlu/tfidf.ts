/**
 * The second signal of the ensemble: a TF-IDF model over the same normalised corpus, with word
 * unigrams, word bigrams and character n-grams (which survive typos such as "pembayran" or
 * "iconcsh" that the word-level nlp.js model cannot match). A label's score mixes the cosine to
 * its nearest training utterance and to the label's centroid; a softmax turns scores into a
 * distribution. No external data: everything comes from the corpus given to `train`.
 */

/** Tunables (defaults chosen by cross-validation on the corpus, see scripts/nluEval.ts). */
export interface TfidfOptions {
  /** Weight of character n-gram features relative to words. */
  readonly charWeight: number;
  /** Weight of word bigrams relative to unigrams. */
  readonly bigramWeight: number;
  /** Share of the nearest-neighbour cosine in a label's score (the rest is the centroid cosine). */
  readonly nearestShare: number;
  /** Softmax sharpness applied to the scores. */
  readonly sharpness: number;
}

export const DEFAULT_TFIDF_OPTIONS: TfidfOptions = {
  charWeight: 0.5,
  bigramWeight: 0.7,
  nearestShare: 0.3,
  sharpness: 20,
};

type SparseVector = Map<string, number>;

/** Feature -> the training documents that have it and its weight there (an inverted index). */
interface Posting {
  readonly docs: Int32Array;
  readonly weights: Float64Array;
}

/** A TF-IDF nearest-neighbour / centroid classifier over normalised words. */
export class TfidfModel {
  /**
   * The nearest-neighbour cosines are summed feature by feature over these postings, so a query
   * touches only the documents that share a feature with it, instead of every document.
   */
  private readonly postings: ReadonlyMap<string, Posting>;
  /** Each document's label, as an index into `labels`. */
  private readonly docLabels: Int32Array;

  private constructor(
    private readonly options: TfidfOptions,
    private readonly idf: Map<string, number>,
    private readonly labels: readonly string[],
    docs: ReadonlyArray<{ label: string; vector: SparseVector }>,
    private readonly centroids: ReadonlyMap<string, SparseVector>,
  ) {
    const lists = new Map<string, { docs: number[]; weights: number[] }>();
    docs.forEach((d, i) => {
      for (const [f, w] of d.vector) {
        let list = lists.get(f);
        if (list === undefined) lists.set(f, (list = { docs: [], weights: [] }));
        list.docs.push(i);
        list.weights.push(w);
      }
    });
    this.postings = new Map([...lists].map(([f, l]) => [f, { docs: Int32Array.from(l.docs), weights: Float64Array.from(l.weights) }]));
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    this.docLabels = Int32Array.from(docs.map((d) => labelIndex.get(d.label) ?? 0));
  }

  /** Builds the model from (words, label) pairs; words are already normalised. */
  static train(
    examples: ReadonlyArray<{ words: readonly string[]; label: string }>,
    options: TfidfOptions = DEFAULT_TFIDF_OPTIONS,
  ): TfidfModel {
    const raw = examples.map((e) => ({ label: e.label, tf: features(e.words, options) }));
    const df = new Map<string, number>();
    for (const { tf } of raw) for (const f of tf.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const n = raw.length;
    const idf = new Map<string, number>();
    for (const [f, count] of df) idf.set(f, Math.log((n + 1) / (count + 1)) + 1);
    const docs = raw.map(({ label, tf }) => ({ label, vector: weigh(tf, idf) }));
    const labels = [...new Set(docs.map((d) => d.label))];
    const centroids = new Map<string, SparseVector>();
    for (const label of labels) {
      const sum: SparseVector = new Map();
      for (const d of docs) {
        if (d.label !== label) continue;
        for (const [f, w] of d.vector) sum.set(f, (sum.get(f) ?? 0) + w);
      }
      centroids.set(label, normalise(sum));
    }
    return new TfidfModel(options, idf, labels, docs, centroids);
  }

  /** A probability for every label, best first. */
  scores(words: readonly string[]): Array<{ label: string; score: number }> {
    const query = weigh(features(words, this.options), this.idf);
    const sims = new Float64Array(this.docLabels.length);
    for (const [f, w] of query) {
      const posting = this.postings.get(f);
      if (posting === undefined) continue;
      for (let k = 0; k < posting.docs.length; k++) {
        const doc = posting.docs[k] as number;
        sims[doc] = (sims[doc] as number) + w * (posting.weights[k] as number);
      }
    }
    const nearest = new Float64Array(this.labels.length);
    for (let i = 0; i < sims.length; i++) {
      const label = this.docLabels[i] as number;
      if ((sims[i] as number) > (nearest[label] as number)) nearest[label] = sims[i] as number;
    }
    const { nearestShare, sharpness } = this.options;
    const raw = this.labels.map((label, i) => {
      const centroid = this.centroids.get(label);
      const c = centroid ? dot(query, centroid) : 0;
      return { label, s: nearestShare * (nearest[i] as number) + (1 - nearestShare) * c };
    });
    const max = Math.max(...raw.map((r) => r.s));
    const exp = raw.map((r) => ({ label: r.label, e: Math.exp(sharpness * (r.s - max)) }));
    const total = exp.reduce((acc, r) => acc + r.e, 0);
    return exp.map((r) => ({ label: r.label, score: r.e / total })).sort((a, b) => b.score - a.score);
  }
}

/** Term frequencies: unigrams, bigrams (weighted) and in-word character 3-5-grams (weighted). */
function features(words: readonly string[], options: TfidfOptions): SparseVector {
  const tf: SparseVector = new Map();
  const add = (f: string, w: number): void => {
    tf.set(f, (tf.get(f) ?? 0) + w);
  };
  words.forEach((word, i) => {
    add(`w:${word}`, 1);
    const next = words[i + 1];
    if (next !== undefined) add(`b:${word}_${next}`, options.bigramWeight);
    const padded = `<${word}>`;
    for (let n = 3; n <= 5; n++) {
      for (let k = 0; k + n <= padded.length; k++) add(`c:${padded.slice(k, k + n)}`, options.charWeight / n);
    }
  });
  return tf;
}

/** Sublinear TF times IDF, L2-normalised; features unseen in training are dropped. */
function weigh(tf: SparseVector, idf: ReadonlyMap<string, number>): SparseVector {
  const v: SparseVector = new Map();
  for (const [f, count] of tf) {
    const w = idf.get(f);
    if (w !== undefined) v.set(f, (1 + Math.log(1 + count)) * w);
  }
  return normalise(v);
}

function normalise(v: SparseVector): SparseVector {
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return v;
  const out: SparseVector = new Map();
  for (const [f, w] of v) out.set(f, w / norm);
  return out;
}

function dot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [f, w] of small) {
    const other = large.get(f);
    if (other !== undefined) sum += w * other;
  }
  return sum;
}
