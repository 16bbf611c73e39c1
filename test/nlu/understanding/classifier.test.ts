import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACT_LABELS, actTrainingCorpus, loadActCorpus, topicOf, trainActClassifier, type ActClassifier } from '../../../src/nlu/understanding/classifier.js';

let classifier: ActClassifier;
let trainingMs = 0;
beforeAll(async () => {
  const started = performance.now();
  classifier = await trainActClassifier();
  trainingMs = performance.now() - started;
});

describe('act corpus nlu/acts.corpus.id.json', () => {
  it('has every label, with enough utterances', () => {
    const corpus = loadActCorpus();
    for (const label of ACT_LABELS) expect(corpus.utterances[label]?.length ?? 0, label).toBeGreaterThanOrEqual(15);
  });

  it('adds Marketplace complaints of every service type', () => {
    const acts = loadActCorpus();
    const training = actTrainingCorpus();
    expect(training.complaint?.length).toBe((acts.utterances.complaint?.length ?? 0) + 40 * acts.complaintsPerServiceType);
  });
});

describe('act classifier', () => {
  it('trains in well under a second', () => {
    expect(trainingMs).toBeLessThan(1500);
  });

  it.each([
    ['ini bayar ga sih?', 'question:fee'],
    ['berapa lama verifikasinya', 'question:duration'],
    ['data sy aman ga?', 'question:dataUse'],
    ['syaratnya apa aja?', 'question:requirements'],
    ['nanti dikabari lewat apa?', 'question:followUp'],
    ['lho kan udh sy tulis diatas min', 'botComplaint'],
    ['akun saya ga bisa login', 'complaint'],
    ['Keripik Bu Sri', 'answer'],
  ])('%s -> %s', async (text, label) => {
    expect((await classifier.classify(text)).label).toBe(label);
  });

  it('names question topics', () => {
    expect(topicOf('question:fee')).toBe('fee');
    expect(topicOf('botComplaint')).toBeUndefined();
  });
});
