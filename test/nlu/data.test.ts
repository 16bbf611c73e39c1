import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_LABELS,
  INTENT_LABELS,
  TYPE_LABELS,
  catalogEntryForLabel,
  corpusExamples,
  loadCorpus,
  loadEvalSet,
  nluDataDir,
} from '../../src/nlu/corpus.js';
import { normalizeText } from '../../src/nlu/normalize.js';
import { closeness, isNearDuplicate, nearDuplicateFinder } from '../../src/nlu/similarity.js';

const corpus = loadCorpus();
const evalSet = loadEvalSet();

describe('training corpus nlu/corpus.id.json', () => {
  it('covers the 40 catalogue types with at least 12 utterances each', () => {
    expect(TYPE_LABELS).toHaveLength(40);
    for (const label of TYPE_LABELS) {
      expect(catalogEntryForLabel(label), label).toBeDefined();
      expect(corpus[label]?.length ?? 0, label).toBeGreaterThanOrEqual(12);
    }
  });

  it('covers the six intents with at least 20 utterances each', () => {
    expect(INTENT_LABELS).toEqual([
      'intent:register_seller',
      'intent:status_inquiry',
      'intent:ask_human',
      'intent:promo_info',
      'intent:greeting',
      'intent:out_of_scope',
    ]);
    for (const label of INTENT_LABELS) expect(corpus[label]?.length ?? 0, label).toBeGreaterThanOrEqual(20);
  });

  it('has only known labels and no utterance that normalises to nothing', () => {
    expect(Object.keys(corpus).sort()).toEqual([...ALL_LABELS].sort());
    for (const { text, label } of corpusExamples(corpus)) expect(normalizeText(text), `${label}: ${text}`).not.toBe('');
  });

  it('does not give one normalised utterance two different labels', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const { text, label } of corpusExamples(corpus)) {
      const key = normalizeText(text);
      const other = seen.get(key);
      if (other !== undefined && other !== label) clashes.push(`${text} (${other} / ${label})`);
      seen.set(key, label);
    }
    expect(clashes).toEqual([]);
  });
});

describe('evaluation set nlu/eval.id.jsonl', () => {
  it('has at least 230 messages and at least 5 per label', () => {
    expect(evalSet.length).toBeGreaterThanOrEqual(230);
    for (const label of ALL_LABELS) {
      expect(evalSet.filter((e) => e.label === label).length, label).toBeGreaterThanOrEqual(5);
    }
  });

  it('has no repeated message', () => {
    const normalised = evalSet.map((e) => normalizeText(e.text));
    expect(new Set(normalised).size).toBe(normalised.length);
  });

  it('does not equal or nearly equal any corpus utterance (after normalisation)', () => {
    const corpusTexts = corpusExamples(corpus).map((e) => e.text);
    const corpusNormalised = new Set(corpusTexts.map(normalizeText));
    const findNear = nearDuplicateFinder(corpusTexts);
    const overlaps: string[] = [];
    for (const e of evalSet) {
      if (corpusNormalised.has(normalizeText(e.text))) overlaps.push(`equal: ${e.text}`);
      const near = findNear(e.text);
      if (near !== undefined) overlaps.push(`near: ${e.text} ~ ${near}`);
    }
    expect(overlaps).toEqual([]);
  });
});

describe('near-duplicate check', () => {
  it('flags copies that differ only in slang, case, punctuation or emoji', () => {
    expect(isNearDuplicate('Gak bisa bayar pake ICONCASH!!! 😭', 'tidak bisa bayar pakai iconcash')).toBe(true);
    expect(isNearDuplicate('udh bayar tp blm dikonfirmasi', 'sudah bayar tapi belum dikonfirmasi')).toBe(true);
    expect(isNearDuplicate('status pesanan tidak muncul', 'status pesanannya tidak muncul')).toBe(true);
  });

  it('does not flag different messages on the same topic', () => {
    expect(isNearDuplicate('ga bisa bayar pake iconcash', 'saldo iconcash cukup tapi pembayaran ditolak')).toBe(false);
    expect(closeness('halo', 'halo').editRatio).toBe(1);
  });
});

describe('the other evaluation sets (nlu/*.id.jsonl)', () => {
  const sets = ['challenge', 'dev2', 'eval2', 'eval3'].map((name) => path.join(nluDataDir(), `${name}.id.jsonl`)).filter((file) => fs.existsSync(file));

  it.each(sets)('%s: known labels only, no message that normalises to nothing', (file) => {
    const set = loadEvalSet(file);
    expect(set.length).toBeGreaterThan(50);
    for (const { text, label } of set) {
      expect(ALL_LABELS, `${path.basename(file)}: ${label}`).toContain(label);
      expect(normalizeText(text)).not.toBe('');
    }
  });
});
