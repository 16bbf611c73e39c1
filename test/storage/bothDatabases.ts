import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { createTestSchema, DATABASE_URL, warnIfSkipped, type TestSchema } from './pgTestSchema.js';

/** What a contract suite's harness must end. */
export interface ClosableHarness {
  disconnectAll(): Promise<void>;
}

/**
 * Runs contract suites on SQLite (files in a temporary directory, removed after) and on
 * PostgreSQL (a fresh migrated schema, dropped after; skipped, and said so, without DATABASE_URL),
 * each suite given the backend's name and its harness.
 */
export function describeOnBothDatabases<H extends ClosableHarness>(
  what: string,
  harnesses: { sqlite: (dir: string) => H; postgres: (schema: TestSchema) => H },
  suite: (name: 'SQLite' | 'PostgreSQL', harness: () => H) => void,
): void {
  describe('SQLite', () => {
    let dir = '';
    let harness: H;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-contract-'));
      harness = harnesses.sqlite(dir);
    });
    afterAll(async () => {
      await harness?.disconnectAll();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    suite('SQLite', () => harness);
  });

  warnIfSkipped(`PostgreSQL ${what}`);

  describe.skipIf(!DATABASE_URL)('PostgreSQL', () => {
    let schema: TestSchema;
    let harness: H;
    beforeAll(async () => {
      schema = await createTestSchema(DATABASE_URL ?? '', { migrated: true });
      harness = harnesses.postgres(schema);
    });
    afterAll(async () => {
      await harness?.disconnectAll();
      await schema?.drop();
    });
    suite('PostgreSQL', () => harness);
  });
}
