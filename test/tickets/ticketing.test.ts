import { afterAll, beforeAll, describe } from 'vitest';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from '../storage/pgTestSchema.js';
import { tempDir } from './fixtures.js';
import { postgresTicketHarness, sqliteTicketHarness, type TicketBackendHarness } from './ticketBackends.js';
import { describeTicketingPort } from './ticketing.contract.js';

/** The ticketing port (numbering, idempotency, replies, look-ups): one contract, both databases. */

describe('SQLite', () => {
  let dir: { dir: string; cleanup: () => void };
  let harness: TicketBackendHarness;
  beforeAll(() => {
    dir = tempDir();
    harness = sqliteTicketHarness(dir.dir);
  });
  afterAll(async () => {
    await harness.disconnectAll();
    dir.cleanup();
  });

  describeTicketingPort('SQLite', () => harness);
});

warnIfSkipped('PostgreSQL ticketing port tests');

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let schema: TestSchema;
  let harness: TicketBackendHarness;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    harness = postgresTicketHarness(schema);
  });
  afterAll(async () => {
    await harness?.disconnectAll();
    await schema?.drop();
  });

  describeTicketingPort('PostgreSQL', () => harness);
});
