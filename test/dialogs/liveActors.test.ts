import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFromText } from '../../dialogs/toEvent.js';
import { DialogEngine } from '../../src/bot/dialogEngine.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { ConversationStore } from '../../src/storage/conversationStore.js';
import { postgresDatabase, sqliteDatabase } from '../../src/storage/database.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../storage/pgTestSchema.js';
import { ANSWERS, FakeServices, testUnderstanding } from './harness.js';

/**
 * The engine keeps the actors of recently active conversations running between turns, and uses a
 * kept actor only while the stored state is exactly what that actor committed (src/bot/dialogEngine.ts,
 * LiveActors). These tests hold it to the store: whatever changed the stored state, the next turn
 * goes on from the store.
 */
const KEY = 'emulator:conv-live';
const TURNS = ['mau daftar jadi seller', ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone, ANSWERS.email, 'lewati', 'ganti nama jadi Siti Aminah', 'kirim'];

function engineOn(store: ConversationStore, services: FakeServices, liveActors?: number): DialogEngine {
  return new DialogEngine({ store, machine: services.machine(), defaultLocale: 'id', understanding: testUnderstanding, ...(liveActors === undefined ? {} : { liveActors }) });
}

async function say(engine: DialogEngine, text: string): Promise<string[]> {
  const r = await engine.step({ conversationKey: KEY, channel: 'emulator', conversationId: 'conv-live', messageId: randomUUID(), event: eventFromText(text), text });
  return r.replies.map((reply) => renderReply(reply, r.locale).text);
}

/** Every turn's replies and the stored state at the end, with `engines` taking the turns in rotation, each on its own connection to one database. */
async function run(engines: (stores: () => ConversationStore) => DialogEngine[]): Promise<{ replies: string[][]; stored: unknown }> {
  const stores = await database.open();
  const all = engines(stores);
  const replies: string[][] = [];
  for (const [i, text] of TURNS.entries()) replies.push(await say(all[i % all.length]!, text));
  // The form's id is random: everything else of the stored state must match.
  const stored = JSON.stringify((await stores().load(KEY))?.snapshot).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return { replies, stored: JSON.parse(stored) as unknown };
}

/** The database of the runs: SQLite in memory, or a fresh PostgreSQL schema (when DATABASE_URL is set) with a pool per store, as two instances have. */
const database = {
  kind: 'sqlite' as 'sqlite' | 'postgres',
  schema: undefined as TestSchema | undefined,
  async open(): Promise<() => ConversationStore> {
    if (this.kind === 'sqlite') {
      const store = new ConversationStore(sqliteDatabase(openSqlite(':memory:')));
      return () => store;
    }
    await this.schema?.drop();
    this.schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    // The schema ends its pools when it is dropped.
    return () => new ConversationStore(postgresDatabase(this.schema!.pool({ max: 2 })));
  },
  async close(): Promise<void> {
    await this.schema?.drop();
    this.schema = undefined;
  },
};

const DATABASES: Array<[string, 'sqlite' | 'postgres']> = [['SQLite', 'sqlite'], ...(DATABASE_URL ? [['PostgreSQL', 'postgres'] as [string, 'postgres']] : [])];

describe.each(DATABASES)('kept actors, on %s', (_name, kind) => {
  beforeAll(() => {
    database.kind = kind;
  });
  afterAll(() => database.close());

  it('answer a whole application exactly as actors made from the store every turn', async () => {
    const kept = await run((stores) => [engineOn(stores(), new FakeServices())]);
    const fresh = await run((stores) => [engineOn(stores(), new FakeServices(), 0)]);
    expect(kept.replies).toEqual(fresh.replies);
    expect(kept.stored).toEqual(fresh.stored);
    expect(kept.replies.at(-1)?.join(' ')).toMatch(/ITSM-\d{8}-\d{5}/);
  });

  it('follow what another instance committed in between (two engines, one database, turns alternating)', async () => {
    const alone = await run((stores) => [engineOn(stores(), new FakeServices(), 0)]);
    const services = new FakeServices();
    const shared = await run((stores) => [engineOn(stores(), services), engineOn(stores(), services)]);
    // Had an engine gone on with its kept actor, it would ask again what the other engine's turn answered.
    expect(shared.replies).toEqual(alone.replies);
    expect(shared.stored).toEqual(alone.stored);
  });

  it('are dropped when their turn did not commit: the next turn starts from the stored state', async () => {
    const store = (await database.open())();
    const engine = engineOn(store, new FakeServices());
    await say(engine, TURNS[0]!);
    const commit = store.commitTurn.bind(store);
    let failNext = true;
    store.commitTurn = async (turn) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return commit(turn);
    };
    await expect(say(engine, ANSWERS.name)).rejects.toThrow();
    expect(JSON.stringify((await store.load(KEY))?.snapshot)).not.toContain(ANSWERS.name);

    // The actor that took the name is gone: the next answer meets the question the store waits for.
    const next = await say(engine, ANSWERS.businessName);
    const reference = engineOn(new ConversationStore(sqliteDatabase(openSqlite(':memory:'))), new FakeServices(), 0);
    await say(reference, TURNS[0]!);
    expect(next).toEqual(await say(reference, ANSWERS.businessName));
    expect(JSON.stringify((await store.load(KEY))?.snapshot)).not.toContain(ANSWERS.name);
  });
});
