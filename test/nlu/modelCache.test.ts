import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { MarketplaceClassifier } from '../../src/nlu/classifier.js';
import { loadEvalSet, nluDataDir } from '../../src/nlu/corpus.js';
import { ModelCache, modelKey } from '../../src/nlu/modelCache.js';
import { NlpjsModel } from '../../src/nlu/nlpjs.js';

const dirs: string[] = [];
const tempCache = (onWriteError?: (err: unknown) => void) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-nlu-cache-'));
  dirs.push(dir);
  return new ModelCache(path.join(dir, 'models'), onWriteError);
};
const modelFiles = (cache: ModelCache) => (fs.existsSync(cache.dir) ? fs.readdirSync(cache.dir).filter((f) => f.endsWith('.json')) : []);
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

const examples = [
  { text: 'toko saya tidak bisa dibuka', label: 'store' },
  { text: 'toko tutup terus', label: 'store' },
  { text: 'saldo iconcash belum masuk', label: 'balance' },
  { text: 'refund saldo lama sekali', label: 'balance' },
  { text: 'mau daftar jadi penjual', label: 'register' },
  { text: 'cara daftar seller', label: 'register' },
];

describe('a classifier read from the model cache', () => {
  it('classifies every evaluation message exactly as the classifier trained at this start', async () => {
    const texts = [...loadEvalSet(), ...loadEvalSet(path.join(nluDataDir(), 'challenge.id.jsonl'))].map((e) => e.text);
    const cache = tempCache();
    const trained = await MarketplaceClassifier.train(undefined, undefined, cache);
    expect(modelFiles(cache)).toHaveLength(1);
    const read = await MarketplaceClassifier.train(undefined, undefined, cache);
    expect(texts.length).toBeGreaterThan(300);
    for (const text of texts) expect(await read.classify(text), text).toEqual(await trained.classify(text));
  }, 60_000);
});

describe('ModelCache', () => {
  it('is read: a model stored under the key of some examples is the one given for them', async () => {
    const cache = tempCache();
    // Stored under the key of `examples`: a model that knows only two other labels.
    const other = await NlpjsModel.train([
      { text: 'halo selamat pagi', label: 'greet' },
      { text: 'terima kasih banyak', label: 'thanks' },
    ]);
    const first = await NlpjsModel.train(examples, cache);
    expect((await first.scores('daftar penjual')).map((s) => s.intent)).toContain('register');
    const [file] = modelFiles(cache);
    fs.writeFileSync(path.join(cache.dir, file!), other.exported());

    const read = await NlpjsModel.train(examples, cache);

    expect(new Set((await read.scores('terima kasih')).map((s) => s.intent))).toEqual(new Set(['greet', 'thanks']));
  });

  it('trains again over a damaged file, and replaces it', async () => {
    const cache = tempCache();
    await NlpjsModel.train(examples, cache);
    const file = path.join(cache.dir, modelFiles(cache)[0]!);
    fs.writeFileSync(file, '{"nluManager": tru');

    const model = await NlpjsModel.train(examples, cache);

    expect((await model.scores('saldo belum masuk'))[0]?.intent).toBe('balance');
    expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown).not.toThrow();
  });

  it('a directory that cannot be written: the model is trained, and the reason told once', async () => {
    const errors: unknown[] = [];
    const blocker = tempCache(); // a file where the cache directory would be made
    fs.mkdirSync(path.dirname(blocker.dir), { recursive: true });
    fs.writeFileSync(blocker.dir, 'not a directory');
    const cache = new ModelCache(path.join(blocker.dir, 'nlu'), (err) => errors.push(err));

    const a = await NlpjsModel.train(examples, cache);
    await NlpjsModel.train(examples.slice(1), cache);

    expect((await a.scores('cara daftar'))[0]?.intent).toBe('register');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/ENOTDIR|EEXIST/);
  });

  it('keys differ with the examples (their text, label and order), the library versions and the recipe', () => {
    const libs = { '@nlpjs/nlp': '4.27.0' };
    const key = modelKey('r1', libs, examples);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(modelKey('r1', libs, examples)).toBe(key);
    expect(modelKey('r1', libs, [...examples.slice(0, -1), { text: 'cara daftar seller', label: 'store' }])).not.toBe(key);
    expect(modelKey('r1', libs, examples.slice(1))).not.toBe(key);
    expect(modelKey('r1', libs, [...examples].reverse())).not.toBe(key);
    expect(modelKey('r1', { '@nlpjs/nlp': '4.28.0' }, examples)).not.toBe(key);
    expect(modelKey('r2', libs, examples)).not.toBe(key);
    // A label and text that could be confused if joined naively.
    expect(modelKey('r1', libs, [{ text: 'a\tb', label: 'c' }])).not.toBe(modelKey('r1', libs, [{ text: 'b', label: 'c\ta' }]));
  });

  it('keeps the newest six models and removes older ones', () => {
    const cache = tempCache();
    const keys = Array.from({ length: 9 }, (_, i) => modelKey('r', {}, [{ text: `t${i}`, label: 'l' }]));
    keys.forEach((key, i) => {
      expect(cache.write(key, `{"n":${i}}`)).toBe(true);
      // Distinct modification times, oldest first.
      const at = new Date(Date.now() - (keys.length - i) * 60_000);
      fs.utimesSync(path.join(cache.dir, `nlpjs-${key}.json`), at, at);
    });
    expect(modelFiles(cache)).toHaveLength(6);
    for (const key of keys.slice(-6)) expect(cache.read(key)).toBeDefined();
    for (const key of keys.slice(0, 3)) expect(cache.read(key)).toBeUndefined();
  });
});

describe('NLU_CACHE_DIR', () => {
  it('names the cache directory, "off" turns the cache off, unset leaves the default place', () => {
    expect(loadConfig({ NLU_CACHE_DIR: 'var/nlu' }).nluCacheDir).toBe(path.resolve('var/nlu'));
    expect(loadConfig({ NLU_CACHE_DIR: 'off' }).nluCacheDir).toBeNull();
    expect(loadConfig({ NLU_CACHE_DIR: '' }).nluCacheDir).toBeUndefined();
    expect(loadConfig({}).nluCacheDir).toBeUndefined();
    expect(ModelCache.beside().dir).toBe(path.join(path.dirname(nluDataDir()), 'node_modules', '.cache', 'pln123-nlu'));
  });
});
