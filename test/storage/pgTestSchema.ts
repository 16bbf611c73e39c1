import crypto from 'node:crypto';
import { migratePostgres } from '../../src/storage/migrate.js';
import { openPostgres, type PgPool, type PostgresOptions } from '../../src/storage/postgres/pool.js';

/** The PostgreSQL the tests use; unset, the PostgreSQL tests are skipped (and say so). */
export const DATABASE_URL = process.env.DATABASE_URL;

/** Says out loud that a suite did not run, so a green run without PostgreSQL is not mistaken for coverage. */
export function warnIfSkipped(suite: string): void {
  if (!DATABASE_URL) console.warn(`SKIPPED: ${suite}: DATABASE_URL is not set`);
}

export interface TestSchema {
  readonly name: string;
  /** A pool whose search_path is this schema only (one per simulated instance). */
  pool(opts?: Omit<PostgresOptions, 'searchPath'>): PgPool;
  /** Ends the pools made here and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * A fresh schema with a random name, so test files running in parallel (and reruns after a
 * crash) never see each other's tables. `migrated` applies migrations/postgres into it.
 */
export async function createTestSchema(url: string, opts: { migrated?: boolean } = {}): Promise<TestSchema> {
  const name = `test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = openPostgres(url, { max: 1, applicationName: 'pln123-test' });
  await admin.query(`CREATE SCHEMA ${name}`);
  const pools: PgPool[] = [];
  const schema: TestSchema = {
    name,
    pool(poolOpts = {}) {
      const pool = openPostgres(url, { applicationName: 'pln123-test', ...poolOpts, searchPath: name });
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.filter((p) => !p.ended).map((p) => p.end()));
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
  if (opts.migrated) {
    const pool = schema.pool({ max: 1 });
    await migratePostgres(pool);
    await pool.end();
  }
  return schema;
}
