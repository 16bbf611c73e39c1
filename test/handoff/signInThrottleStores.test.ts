import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSignInThrottle, SIGN_IN_LIMITS, type SignInThrottle } from '../../src/handoff/signInThrottle.js';
import { openRedis, RedisHealth } from '../../src/storage/redis/connection.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { tempDir } from '../dialogs/harness.js';
import { deleteKeys, REDIS_URL, uniquePrefix, warnIfSkipped as warnIfNoRedis } from '../redis/redisTestEnv.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped as warnIfNoPostgres, type TestSchema } from '../storage/pgTestSchema.js';
import { closeAuthApps, officerStores, PASSWORD, retryAfterOf, startAuthApp } from './agentAuthApp.js';
import { sqliteDatabase, postgresDatabase } from '../../src/storage/database.js';

/**
 * The throttle counts where every instance sees it: two console instances (each its own
 * connection) sharing Redis or PostgreSQL refuse an attempt after failures spread over both; on
 * SQLite the count survives a restart; and with the store away it keeps counting in memory.
 */

afterEach(async () => closeAuthApps());

/** The officer's allowed wrong passwords from one address, sent alternately to the apps; then the right one to each. */
async function failOverAll(apps: Array<Awaited<ReturnType<typeof startAuthApp>>>): Promise<void> {
  for (let i = 0; i < SIGN_IN_LIMITS.accountAddress.failures; i++) {
    expect((await apps[i % apps.length]!.login('cso.andi', `wrong-${i}`)).status).toBe(401);
  }
  for (const app of apps) await retryAfterOf(await app.login('cso.andi', PASSWORD));
}

warnIfNoRedis('sign-in throttle on Redis tests');

describe.skipIf(!REDIS_URL)('on Redis', () => {
  const prefix = `${uniquePrefix()}:`;
  const health = new RedisHealth();
  const clients: Redis[] = [];
  beforeAll(async () => {
    for (const name of ['throttle-a', 'throttle-b']) {
      const client = openRedis(REDIS_URL ?? '', { name });
      health.watch(client, name);
      clients.push(client);
    }
    await health.waitReady(5_000);
  });
  afterAll(async () => {
    health.close();
    await deleteKeys(REDIS_URL ?? '', prefix);
    for (const client of clients) client.disconnect();
  });

  it('holds across two instances', async () => {
    const stores = await officerStores();
    const apps = await Promise.all(clients.map((client) => startAuthApp({ stores, throttle: createSignInThrottle({ kind: 'redis', client, prefix }) })));
    await failOverAll(apps);
    const keys = await clients[0]!.keys(`${prefix}signin:*`);
    expect(keys.length).toBeGreaterThan(0);
    // Hashes only: neither the user name nor the address is kept in clear.
    expect(keys.join(' ')).not.toMatch(/cso\.andi|127\.0\.0\.1/);
  });
});

warnIfNoPostgres('sign-in throttle on PostgreSQL tests');

describe.skipIf(!DATABASE_URL)('on PostgreSQL', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
  });
  afterAll(async () => schema?.drop());

  it('holds across two instances, and purges expired counters', async () => {
    const stores = await officerStores();
    const pools = [schema.pool({ max: 2 }), schema.pool({ max: 2 })];
    const throttles = pools.map((pool) => createSignInThrottle(postgresDatabase(pool)));
    const apps = await Promise.all(throttles.map((throttle) => startAuthApp({ stores, throttle })));
    await failOverAll(apps);
    const { rows } = await pools[0]!.query<{ key: string }>('SELECT key FROM sign_in_throttle');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.key).join(' ')).not.toMatch(/cso\.andi|127\.0\.0\.1/);
    await pools[0]!.query('UPDATE sign_in_throttle SET expire = 1');
    await throttles[0]!.purgeExpired();
    expect((await pools[0]!.query('SELECT key FROM sign_in_throttle')).rowCount).toBe(0);
  });
});

describe('on SQLite', () => {
  it('holds across a restart', async () => {
    const dir = tempDir();
    const stores = await officerStores();
    const before = openSqlite(dir);
    const first = await startAuthApp({ stores, throttle: createSignInThrottle(sqliteDatabase(before)) });
    for (let i = 0; i < SIGN_IN_LIMITS.accountAddress.failures; i++) expect((await first.login('cso.andi', `wrong-${i}`)).status).toBe(401);
    await closeAuthApps();
    before.close();
    const after = await startAuthApp({ stores, throttle: createSignInThrottle(sqliteDatabase(openSqlite(dir))) });
    await retryAfterOf(await after.login('cso.andi', PASSWORD));
  });

  it('purges expired counters', async () => {
    const db = openSqlite(tempDir());
    const throttle = createSignInThrottle(sqliteDatabase(db));
    expect((await throttle.admit('cso.andi', '127.0.0.1')).allowed).toBe(true);
    const count = () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sign_in_throttle').get()?.n;
    expect(count()).toBeGreaterThan(0);
    db.prepare('UPDATE sign_in_throttle SET expire = 1').run();
    await throttle.purgeExpired();
    expect(count()).toBe(0);
  });
});

describe('when the store fails', () => {
  it('keeps counting in memory, says so once, and lets the officer in', async () => {
    const db = openSqlite(tempDir());
    const warnings: string[] = [];
    const throttle: SignInThrottle = createSignInThrottle(sqliteDatabase(db), { log: { warn: (_obj, msg) => warnings.push(msg) } });
    db.close();
    const app = await startAuthApp({ throttle });
    expect((await app.login('cso.andi', PASSWORD)).status).toBe(200);
    for (let i = 0; i < SIGN_IN_LIMITS.accountAddress.failures; i++) expect((await app.login('cso.andi', `wrong-${i}`)).status).toBe(401);
    await retryAfterOf(await app.login('cso.andi', PASSWORD));
    expect(warnings).toEqual(['sign-in throttle: store failed; counting in memory until it answers']);
  });
});
