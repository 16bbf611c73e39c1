import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceClassifier, type Classification } from '../../src/nlu/classifier.js';
import { ALL_LABELS, loadEvalSet } from '../../src/nlu/corpus.js';
import { evaluate } from '../../src/nlu/evaluate.js';

let classifier: MarketplaceClassifier;
let trainingWallMs = 0;

beforeAll(async () => {
  const started = performance.now();
  classifier = await MarketplaceClassifier.train();
  trainingWallMs = performance.now() - started;
});

function expectWellFormed(result: Classification): void {
  expect(ALL_LABELS).toContain(result.label);
  expect(result.confidence).toBeGreaterThanOrEqual(0);
  expect(result.confidence).toBeLessThanOrEqual(1);
  expect(result.alternatives.length).toBeLessThanOrEqual(4);
  const confidences = [result.confidence, ...result.alternatives.map((a) => a.confidence)];
  for (const c of confidences) {
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(1);
  }
  expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
  const labels = [result.label, ...result.alternatives.map((a) => a.label)];
  expect(new Set(labels).size).toBe(labels.length);
}

describe('MarketplaceClassifier', () => {
  it('trains in well under 10 s', () => {
    expect(trainingWallMs).toBeLessThan(10_000);
    expect(classifier.trainingMs).toBeGreaterThan(0);
    expect(classifier.trainingMs).toBeLessThan(10_000);
  });

  it.each([
    // Registrasi
    ['nomor hp saya tidak bisa dipakai untuk daftar akun', 'type:01'],
    ['pendaftaran toko saya belum diverifikasi padahal sudah seminggu', 'type:07'],
    // Manajemen User
    ['lupa password sso saya, tolong direset', 'type:13'],
    ['mau ganti nama toko saya', 'type:15'],
    // Keamanan Akun
    ['tolong akun saya dibajak orang!!', 'type:18'],
    // Manajemen Produk
    ['cara hapus produk di toko saya gmn', 'type:22'],
    // Transaksi
    ['gak bisa bayar pake kartu kredit', 'type:25'],
    ['refund blm masuk ke saldo iconcash', 'type:23'],
    // Aplikasi
    ['ga bisa login ke marketplace min', 'type:38'],
    // intents
    ['mau daftar jadi seller dong', 'intent:register_seller'],
    ['cek status laporan ITSM-20261124-00001', 'intent:status_inquiry'],
    ['saya mau bicara dengan petugas', 'intent:ask_human'],
    ['promo lebaran ceria masih ada?', 'intent:promo_info'],
    ['assalamualaikum min', 'intent:greeting'],
    ['listrik rumah saya padam dari tadi', 'intent:out_of_scope'],
  ])('%s -> %s', async (text, expected) => {
    const result = await classifier.classify(text);
    expectWellFormed(result);
    expect(result.label).toBe(expected);
  });

  it('returns up to four alternatives, best first, for an ordinary message', async () => {
    const result = await classifier.classify('sudah bayar tapi status pesanan belum berubah');
    expectWellFormed(result);
    expect(result.alternatives).toHaveLength(4);
  });

  it('answers out_of_scope with zero confidence when nothing is left to classify', async () => {
    expect(await classifier.classify('🙏🙏 ...')).toEqual({ label: 'intent:out_of_scope', confidence: 0, alternatives: [] });
    expect(await classifier.classify('')).toEqual({ label: 'intent:out_of_scope', confidence: 0, alternatives: [] });
  });

  it('copes with words it never saw', async () => {
    expectWellFormed(await classifier.classify('qwertyuiop zxcvbnm'));
  });

  it('reaches top-1 >= 85% and top-3 >= 95% on the held-out evaluation set', async () => {
    const report = await evaluate(classifier, loadEvalSet());
    expect(report.overall.n).toBeGreaterThanOrEqual(230);
    expect(report.overall.top1).toBeGreaterThanOrEqual(0.85);
    expect(report.overall.top3).toBeGreaterThanOrEqual(0.95);
  });
});
