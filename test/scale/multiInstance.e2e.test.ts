import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../storage/pgTestSchema.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { META, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { postWebhook, wa, whatsAppWebhook, type WaItem } from '../support/metaWebhooks.js';
import { productJpeg } from '../support/photos.js';

/**
 * Two instances on different ports sharing PostgreSQL and Redis: a driver sends the webhooks of
 * 200 concurrent seller applications, each message to the other instance than the one before.
 * Every conversation completes with exactly one ITSM ticket and one APKT record, and each user
 * receives exactly the replies a single instance gives, in the same order.
 */

const REDIS_URL = process.env.REDIS_URL;
const ready = Boolean(DATABASE_URL && REDIS_URL);
if (!ready) console.warn('SKIPPED: multi-instance test: DATABASE_URL and REDIS_URL must both be set');

const APPLICANTS = 200;
const ANSWERS = ['daftar seller', 'Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com'];

let graph: FakeGraph;
let schema: TestSchema;
const instances: RunningService[] = [];
const dataDirs: string[] = [];
let photo: Buffer;

describe.skipIf(!ready)('two instances, one workload', () => {
  beforeAll(async () => {
    graph = await startFakeGraph({ record: true });
    schema = await createTestSchema(DATABASE_URL!, { migrated: true });
    photo = await productJpeg(640, 480);
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    const prefix = `test-${crypto.randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const dir = tempDataDir();
      dataDirs.push(dir);
      instances.push(await startMetaService(graph, dir, { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix }));
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((r) => r.stop()));
    await schema?.drop();
    await graph?.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Posts one message to the given instance and waits until the bot has answered it. */
  async function turn(userId: string, message: WaItem, target: RunningService, expectAtLeast: number): Promise<void> {
    const res = await postWebhook(target.url, 'whatsapp', whatsAppWebhook([message], META.phoneNumberId), { secret: META.appSecret });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (graph.sendsTo(userId).length < expectAtLeast) {
      if (Date.now() > deadline) throw new Error(`no reply for ${userId} after ${expectAtLeast - 1} sends`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * One applicant's whole application, each message to the other instance than the one before.
   * With `expected` (sends after each step, from the reference run) each step waits for exactly
   * its replies; without, it waits until both instances are idle and records the counts.
   */
  async function apply(n: number, expected: number[] | null): Promise<{ texts: string[]; counts: number[] }> {
    const userId = `62819${String(n).padStart(7, '0')}`;
    const mediaId = `media-${n}`;
    graph.addWhatsAppMedia(mediaId, photo, 'image/jpeg');
    const messages = [...ANSWERS.map((text) => wa.text(userId, text)), wa.image(userId, mediaId), wa.text(userId, 'kirim')];
    const counts: number[] = [];
    for (const [i, message] of messages.entries()) {
      const target = instances[(n + i) % 2]!;
      await turn(userId, message, target, expected ? expected[i]! : graph.sendsTo(userId).length + 1);
      if (!expected) await Promise.all(instances.map((r) => r.idle()));
      counts.push(graph.sendsTo(userId).length);
    }
    return { texts: graph.textsTo(userId), counts };
  }

  it(`completes ${APPLICANTS} concurrent applications with one ticket each and no duplicated or reordered reply`, async () => {
    // One applicant first, alone, to learn what each step answers.
    const reference = await apply(0, null);
    expect(reference.texts.at(-1)).toMatch(/ITSM-/);

    const results = await Promise.all(Array.from({ length: APPLICANTS }, (_, i) => apply(i + 1, reference.counts)));
    await Promise.all(instances.map((r) => r.idle()));
    const normalise = (texts: string[]) => texts.map((t) => t.replace(/ITSM-\d{8}-\d+/g, 'ITSM-#').replace(/APKT-\d{8}-\d+/g, 'APKT-#'));
    for (const { texts } of results) expect(normalise(texts)).toEqual(normalise(reference.texts));
    // Both instances did half of the work.
    for (const instance of instances) {
      const text = await instance.service.metrics.scrape();
      const replied = Number(/^pln_turns_total\{channel="whatsapp",outcome="replied"\} (\d+)$/m.exec(text)?.[1] ?? 0);
      expect(replied).toBeGreaterThanOrEqual(APPLICANTS * 5);
    }

    const pool = schema.pool({ max: 2 });
    const tickets = await pool.query<{ conversation_id: string; n: number }>('SELECT conversation_id, COUNT(*)::int AS n FROM itsm_tickets GROUP BY conversation_id');
    expect(tickets.rows).toHaveLength(APPLICANTS + 1);
    expect(tickets.rows.every((r) => r.n === 1)).toBe(true);
    const apkt = await pool.query<{ n: number; numbers: number }>('SELECT COUNT(*)::int AS n, COUNT(DISTINCT itsm_number)::int AS numbers FROM apkt_records');
    expect(apkt.rows[0]).toEqual({ n: APPLICANTS + 1, numbers: APPLICANTS + 1 });
    const numbers = await pool.query<{ n: number }>('SELECT COUNT(DISTINCT number)::int AS n FROM itsm_tickets');
    expect(numbers.rows[0]?.n).toBe(APPLICANTS + 1);
  }, 240_000);
});
