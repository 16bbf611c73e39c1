import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresChannelHarness, sqliteChannelHarness, type ChannelStoresHarness } from './channelBackends.js';
import { describeContactWindowStore } from './contactWindowStore.contract.js';
import { describeConversationReferenceStore } from './conversationReferenceStore.contract.js';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';

/** The channels' bookkeeping (24-hour windows, delivery failures, conversation references): one contract, both databases. */

describe('SQLite', () => {
  let dir = '';
  let harness: ChannelStoresHarness;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-channel-stores-'));
    harness = sqliteChannelHarness(dir);
  });
  afterAll(async () => {
    await harness.disconnectAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describeContactWindowStore('SQLite', () => harness);
  describeConversationReferenceStore('SQLite', () => harness);
});

warnIfSkipped('PostgreSQL contact window and conversation reference store tests');

describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
  let schema: TestSchema;
  let harness: ChannelStoresHarness;
  beforeAll(async () => {
    schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
    harness = postgresChannelHarness(schema);
  });
  afterAll(async () => {
    await harness?.disconnectAll();
    await schema?.drop();
  });

  describeContactWindowStore('PostgreSQL', () => harness);
  describeConversationReferenceStore('PostgreSQL', () => harness);
});
