import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { HANDOFF_PRIORITY } from '../../src/core/handoffReason.js';
import { t } from '../../src/i18n/messages.js';
import { createLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { readMigrations, defaultMigrationsDir } from '../../src/storage/migrate.js';
import { tempDir } from '../dialogs/harness.js';
import { BotClient } from '../http/botClient.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';

/**
 * Upgrades from databases made by the release before versioned SQLite schemas (commit b9ac51c):
 * a SQLite file and a PostgreSQL schema (pg_dump) made by that code with a finished application,
 * a half-finished one, a complaint waiting for an officer, an officer, and outbox entries (one
 * done, one pending, one dead). How they were made: test/fixtures/upgrade/makeFixture.ts.txt.
 * The service of today starts on each and must keep every conversation, ticket, outbox entry and
 * officer, and go on with them.
 */
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'upgrade');
const TOKEN = 'upgrade-token';
const PASSWORD = 'kata-sandi-andi-2026';
const SELLER_TICKET = 'ITSM-20261202-00001';

async function start(env: Record<string, string>): Promise<{ service: Service; url: string }> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TICKETS_API_TOKEN: TOKEN, LOG_LEVEL: 'silent', OFFICER_HOURS: 'always', ...env });
  const service = createService(config, createLogger('silent'));
  const port = await service.start();
  return { service, url: `http://127.0.0.1:${port}` };
}

/** What must hold on an upgraded database, through the service's own surfaces. */
async function expectKeptAndWorking(service: Service, url: string): Promise<void> {
  // The finished application's ticket, as the ticket API shows it.
  const ticket = await fetch(`${url}/api/tickets/${SELLER_TICKET}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(ticket.status).toBe(200);
  const view = (await ticket.json()) as { number: string; applicant: { name: string; email: string } };
  expect(view.number).toBe(SELLER_TICKET);
  expect(view.applicant).toMatchObject({ name: 'Siti Aminah', email: 'siti.aminah@yahoo.co.id' });

  // The officer signs in with the password set before the upgrade.
  expect(await service.handoffs.officers.verify('andi', PASSWORD)).toEqual({ username: 'andi', displayName: 'Andi Petugas' });

  // The complaint still waits for an officer, with its transcript.
  const open = await service.handoffs.store.listOpen();
  expect(open.map((h) => [h.conversationKey, h.status])).toEqual([['bf:emulator:upgrade-officer', 'waiting']]);
  // Its queue priority came from its reason (the column is newer than the database).
  expect(open.map((h) => h.priority)).toEqual(open.map((h) => HANDOFF_PRIORITY[h.reason]));
  expect((await service.handoffs.store.transcript('bf:emulator:upgrade-officer')).length).toBeGreaterThan(0);

  // The outbox: the pending entry was filed at start-up, the dead one is still a dead letter.
  expect((await service.tickets.entry('upgrade-pending'))?.state).toBe('done');
  expect((await service.tickets.deadLetters()).map((e) => e.idempotencyKey)).toEqual(['upgrade-dead']);

  // The half-finished application goes on at the question it had reached.
  const half = new BotClient(url, 'upgrade-half');
  expect(await half.say('kerajinan rotan')).toEqual([t('id', 'fields.city.question')]);
  // And the finished one knows its ticket.
  const seller = new BotClient(url, 'upgrade-seller');
  expect((await seller.say('cek status')).join('\n')).toContain(SELLER_TICKET);
}

describe('upgrade from the SQLite file of release b9ac51c', () => {
  const dataDir = tempDir();
  let service: Service | undefined;
  afterAll(async () => {
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('versions the file (baseline recorded) and keeps every conversation, ticket, outbox entry and officer', async () => {
    fs.copyFileSync(path.join(FIXTURES, 'sqlite-b9ac51c.sqlite'), path.join(dataDir, 'pln123.sqlite'));
    const before = new Database(path.join(dataDir, 'pln123.sqlite'), { readonly: true });
    const counts = (db: Database.Database) =>
      Object.fromEntries(['conversations', 'itsm_tickets', 'apkt_records', 'ticket_outbox', 'officers', 'handoffs', 'transcript'].map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]));
    const old = counts(before);
    expect(before.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'schema_migrations'").get()).toEqual({ n: 0 });
    before.close();

    let url: string;
    ({ service, url } = await start({ DATA_DIR: dataDir }));
    const after = new Database(path.join(dataDir, 'pln123.sqlite'), { readonly: true });
    expect(after.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      readMigrations(defaultMigrationsDir('sqlite')).map((m) => ({ version: m.version, name: m.name })),
    );
    // Everything is still there; the pending outbox entry was filed at start-up (one more ITSM ticket and APKT record).
    expect(counts(after)).toEqual({ ...old, itsm_tickets: old.itsm_tickets! + 1, apkt_records: old.apkt_records! + 1 });
    after.close();
    await expectKeptAndWorking(service, url);
  }, 120_000);
});

warnIfSkipped('PostgreSQL upgrade test');

describe.skipIf(!DATABASE_URL)('upgrade from the PostgreSQL schema of release b9ac51c', () => {
  let schema: TestSchema | undefined;
  let service: Service | undefined;
  afterAll(async () => {
    await service?.stop();
    await schema?.drop();
  });

  it('applies only the migrations it lacks (none: b9ac51c had all of them) and keeps every conversation, ticket, outbox entry and officer', async () => {
    schema = await createTestSchema(DATABASE_URL ?? '');
    const dump = fs
      .readFileSync(path.join(FIXTURES, 'postgres-b9ac51c.sql'), 'utf8')
      .replace(/^CREATE SCHEMA upgrade_fixture;$/m, '')
      // psql's own commands (pg_dump's \restrict guard lines) are not SQL.
      .replace(/^\\.*$/gm, '')
      .replaceAll('upgrade_fixture.', `${schema.name}.`);
    // On a connection of its own: the dump empties the session's search_path.
    const restore = schema.pool({ max: 1 });
    await restore.query(dump);
    await restore.end();
    const admin = schema.pool({ max: 1 });
    const applied = (await admin.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    expect(applied.length).toBeGreaterThan(0);

    const url = new URL(DATABASE_URL ?? '');
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    let base: string;
    ({ service, url: base } = await start({ DATA_DIR: tempDir(), DATABASE_URL: url.toString(), MIGRATE_ON_START: 'true' }));
    const now = (await admin.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    expect(now).toEqual(readMigrations(defaultMigrationsDir('postgres')).map((m) => m.version));
    expect(now.slice(0, applied.length)).toEqual(applied);
    await expectKeptAndWorking(service, base);
  }, 120_000);
});
