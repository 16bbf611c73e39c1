import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, DATABASE_URL, type TestSchema } from '../storage/pgTestSchema.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';

/**
 * Officer sign-in throttling in the real service, as deployed: sign-ins spread over two
 * instances sharing PostgreSQL and Redis, or one instance on SQLite restarted, are counted
 * together; and with the default settings a client's X-Forwarded-For does not choose the address
 * it is counted by.
 */

const REDIS_URL = process.env.REDIS_URL;
if (!(DATABASE_URL && REDIS_URL)) console.warn('SKIPPED: sign-in throttle across instances: DATABASE_URL and REDIS_URL must both be set');
const PASSWORD = 'rahasia-petugas-123';
const WRONG_FROM_ONE_ADDRESS = 5;

let graph: FakeGraph;
const running: RunningService[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});
afterAll(async () => {
  await graph?.close();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string, env: Record<string, string | undefined> = {}): Promise<RunningService> {
  const run = await startMetaService(graph, dataDir, env);
  running.push(run);
  return run;
}

function newDataDir(): string {
  const dir = tempDataDir();
  dataDirs.push(dir);
  return dir;
}

const login = (run: RunningService, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${run.url}/agent/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });

describe.skipIf(!(DATABASE_URL && REDIS_URL))('two instances sharing PostgreSQL and Redis', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL!, { migrated: true });
  });
  afterAll(async () => schema?.drop());

  it("refuses the officer's account from an address that failed on both instances", async () => {
    const url = `${DATABASE_URL}${DATABASE_URL!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    const env = { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}:` };
    const a = await start(newDataDir(), env);
    const b = await start(newDataDir(), env);
    await a.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
    for (let i = 0; i < WRONG_FROM_ONE_ADDRESS; i++) expect((await login(i % 2 ? b : a, 'sari.cso', `salah-${i}`)).status).toBe(401);
    expect((await login(a, 'sari.cso', PASSWORD)).status).toBe(429);
    expect((await login(b, 'sari.cso', PASSWORD)).status).toBe(429);
  });
});

describe('one instance on SQLite', () => {
  it('still refuses after a restart', async () => {
    const dir = newDataDir();
    const first = await start(dir);
    await first.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
    for (let i = 0; i < WRONG_FROM_ONE_ADDRESS; i++) expect((await login(first, 'sari.cso', `salah-${i}`)).status).toBe(401);
    await running.pop()!.stop();
    const again = await start(dir);
    expect((await login(again, 'sari.cso', PASSWORD)).status).toBe(429);
  });

  it('counts a sprayer by its own address, whatever X-Forwarded-For it sends (default settings)', async () => {
    const run = await start(newDataDir());
    await run.service.handoffs.officers.create({ username: 'sari.cso', displayName: 'Sari', password: PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await login(run, `petugas${i}`, 'Password123', { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    // 10 wrong sign-ins per address in 15 minutes (SIGN_IN_LIMITS.address), then refused.
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(5).fill(429)]);
  });
});
