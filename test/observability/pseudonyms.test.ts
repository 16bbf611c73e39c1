import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pseudonym, usePseudonymKey } from '../../src/log.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { resolvePseudonymKey } from '../../src/storage/pseudonymKey.js';
import { postWhatsApp, waitForSends } from '../support/applicationScript.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { META, metaEnv, startFakeGraph, tempDataDir } from '../support/metaService.js';
import { wa, whatsAppWebhook } from '../support/metaWebhooks.js';
import { startServiceChild, stopAllChildren } from '../support/serviceChild.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

const PHONE = '6281234567890';
const sha256Prefix = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);
const hmacPrefix = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest('hex').slice(0, 12);

describe('log pseudonyms', () => {
  it('are keyed: not sha256(value), and another key gives another pseudonym', () => {
    usePseudonymKey(Buffer.alloc(32, 1));
    const first = pseudonym(PHONE);
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(first).not.toBe(sha256Prefix(PHONE));
    expect(first).toBe(hmacPrefix(Buffer.alloc(32, 1), PHONE));
    expect(pseudonym(PHONE)).toBe(first);
    // Pseudonyms are remembered: a new key must not answer with one made under the old.
    usePseudonymKey(Buffer.alloc(32, 2));
    expect(pseudonym(PHONE)).not.toBe(first);
    expect(pseudonym(PHONE)).toBe(hmacPrefix(Buffer.alloc(32, 2), PHONE));
    expect(() => usePseudonymKey(Buffer.alloc(16))).toThrow(RangeError);
  });

  it('on SQLite: generated once, kept in the database under DATA_DIR; a configured key wins', async () => {
    const dir = tempDataDir();
    try {
      const first = openSqlite(dir);
      const key = await resolvePseudonymKey(undefined, sqliteDatabase(first));
      first.close();
      expect(key.length).toBeGreaterThanOrEqual(32);
      const again = openSqlite(dir);
      expect((await resolvePseudonymKey(undefined, sqliteDatabase(again))).equals(key)).toBe(true);
      const configured = 'a-configured-key-of-at-least-32-characters';
      expect((await resolvePseudonymKey(configured, sqliteDatabase(again))).toString('utf8')).toBe(configured);
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  warnIfSkipped('PostgreSQL pseudonym key');
  describe.skipIf(!DATABASE_URL)('on PostgreSQL', () => {
    let schema: TestSchema;
    beforeAll(async () => {
      schema = await createTestSchema(DATABASE_URL!, { migrated: true });
    });
    afterAll(async () => {
      await schema?.drop();
    });

    it('every instance gets the same key, also when they start at the same moment', async () => {
      const instances = Array.from({ length: 6 }, () => schema.pool({ max: 1 }));
      const keys = await Promise.all(instances.map((pool) => resolvePseudonymKey(undefined, postgresDatabase(pool))));
      expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
      expect(keys[0]!.length).toBeGreaterThanOrEqual(32);
    });
  });
});

describe('the service logs a WhatsApp user under a keyed pseudonym', () => {
  let graph: FakeGraph;
  let dataDir: string;
  beforeAll(async () => {
    graph = await startFakeGraph();
    dataDir = tempDataDir();
  });
  afterEach(async () => {
    await stopAllChildren();
  });
  afterAll(async () => {
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('never the number, never sha256(number); the same pseudonym after a restart', { timeout: 60_000 }, async () => {
    const seen: string[] = [];
    for (const text of ['halo', 'mau daftar jadi seller']) {
      const child = await startServiceChild(metaEnv(graph.url, dataDir, { LOG_LEVEL: 'info' }));
      const before = graph.sendsTo(PHONE).length;
      expect((await postWhatsApp(child.url, whatsAppWebhook([wa.text(PHONE, text)], META.phoneNumberId))).status).toBe(200);
      await waitForSends(graph, PHONE, before + 1);
      const logs = child.logs();
      await child.stop();
      const all = JSON.stringify(logs);
      expect(all).not.toContain(PHONE);
      expect(all).not.toContain(sha256Prefix(PHONE));
      expect(all).not.toContain(sha256Prefix(`whatsapp:${PHONE}`));
      const turn = logs.find((line) => line.msg === 'turn');
      expect(turn, all.slice(0, 2000)).toBeDefined();
      seen.push(String(turn!.conversation));
    }
    // The key the service generated and kept: the logged pseudonym is its HMAC of the conversation.
    const db = new Database(`${dataDir}/pln123.sqlite`, { readonly: true });
    const { value } = db.prepare('SELECT value FROM service_secrets WHERE name = ?').get('log_pseudonym_key') as { value: string };
    db.close();
    expect(seen[0]).toBe(hmacPrefix(Buffer.from(value, 'base64url'), `whatsapp:${PHONE}`));
    expect(seen[1]).toBe(seen[0]);
  });
});
