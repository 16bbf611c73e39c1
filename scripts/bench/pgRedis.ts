/**
 * The PostgreSQL + Redis side of the turn benchmark: a fresh schema with a random name on the
 * `DATABASE_URL` server (created with `pg` directly; the service migrates it itself with
 * `MIGRATE_ON_START=true`) and a random `REDIS_PREFIX` on the `REDIS_URL` server. `dropPgRedis`
 * drops the schema and deletes every Redis key under the prefix (SCAN, never KEYS or FLUSHDB: the
 * Redis may be shared); it is idempotent, for `finally` and signals.
 */
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface PgRedisEnv {
  schema: string;
  prefix: string;
  /** The child's environment: DATABASE_URL with the schema as search_path, MIGRATE_ON_START, REDIS_URL, REDIS_PREFIX. */
  env: Record<string, string>;
}

let current: { databaseUrl: string; redisUrl: string; schema: string; prefix: string } | undefined;

/** The URL with `options=-c search_path=<schema>` added (other query parameters kept). */
export function withSearchPath(databaseUrl: string, schema: string): string {
  return `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function createPgRedis(databaseUrl: string, redisUrl: string): Promise<PgRedisEnv> {
  const id = crypto.randomBytes(6).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `bench-${id}:`;
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pln123-bench' });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    current = { databaseUrl, redisUrl, schema, prefix };
  } finally {
    await client.end();
  }
  return { schema, prefix, env: { DATABASE_URL: withSearchPath(databaseUrl, schema), MIGRATE_ON_START: 'true', REDIS_URL: redisUrl, REDIS_PREFIX: prefix } };
}

/** Rows of `conversations` in the benchmark's schema. */
export async function countPgConversations(databaseUrl: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pln123-bench' });
  await client.connect();
  try {
    const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.conversations`);
    return Number(res.rows[0]?.n ?? NaN);
  } finally {
    await client.end();
  }
}

/** Drops the schema (CASCADE) and deletes the Redis keys under the prefix; both attempted, the first error rethrown. */
export async function dropPgRedis(): Promise<{ schema: string; prefix: string; keys: number } | undefined> {
  const target = current;
  if (!target) return undefined;
  current = undefined;
  const failures: unknown[] = [];
  try {
    const client = new pg.Client({ connectionString: target.databaseUrl, application_name: 'pln123-bench', connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${target.schema} CASCADE`);
    } finally {
      await client.end();
    }
  } catch (err) {
    failures.push(err);
  }
  let keys = 0;
  const redis = new Redis(target.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined); // Reported by the failing command.
  try {
    await redis.connect();
    // BullMQ may use the prefix without its trailing colon: match both.
    const pattern = `${target.prefix.replace(/:$/, '')}*`;
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) keys += await redis.del(...found);
    } while (cursor !== '0');
  } catch (err) {
    failures.push(err);
  } finally {
    redis.disconnect();
  }
  if (failures.length > 0) throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
  return { schema: target.schema, prefix: target.prefix, keys };
}
