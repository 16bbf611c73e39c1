import fs from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { postgresHarness, sqliteHarness, tempDir, type HandoffBackendHarness } from './handoffBackends.js';
import { describeHandoffStore } from './handoffStore.contract.js';
import { describeOfficerStore } from './officerStore.contract.js';
import { describeSessionStore } from './sessionStore.contract.js';

/** The officers' side (queue, transcripts, accounts, sessions): one contract, both databases. */

describe('SQLite', () => {
  let dir = '';
  let harness: HandoffBackendHarness;
  beforeAll(() => {
    dir = tempDir();
    harness = sqliteHarness(dir);
  });
  afterAll(async () => {
    await harness.disconnectAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describeHandoffStore('SQLite', () => harness);
  describeOfficerStore('SQLite', () => harness);
  describeSessionStore('SQLite', () => harness);
});

warnIfSkipped('PostgreSQL handoff, officer and session store tests');

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let schema: TestSchema;
  let harness: HandoffBackendHarness;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    harness = postgresHarness(schema);
  });
  afterAll(async () => {
    await harness?.disconnectAll();
    await schema?.drop();
  });

  describeHandoffStore('PostgreSQL', () => harness);
  describeOfficerStore('PostgreSQL', () => harness);
  describeSessionStore('PostgreSQL', () => harness);
});
