import net from 'node:net';
import pg from 'pg';

/**
 * Vitest's global set-up: when DATABASE_URL or REDIS_URL is unset and a server answers at its
 * usual local address (PostgreSQL 127.0.0.1:5432, database `test`, trust auth; Redis
 * 127.0.0.1:6379), the tests use it, as CI does; otherwise the suites that need it are skipped.
 * Either way one line says which, before the tests run. The forked test workers inherit the
 * environment set here.
 */

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export default async function setup(): Promise<void> {
  const env = process.env;
  const notes: string[] = [];
  const skipped: string[] = [];
  if (env.DATABASE_URL) notes.push('PostgreSQL from DATABASE_URL');
  else if (await postgresAnswers(LOCAL_POSTGRES)) {
    env.DATABASE_URL = LOCAL_POSTGRES;
    notes.push(`PostgreSQL at ${LOCAL_POSTGRES} (DATABASE_URL unset, the local server answered)`);
  } else skipped.push('the PostgreSQL suites (DATABASE_URL unset and nothing answers at 127.0.0.1:5432)');
  if (env.REDIS_URL) notes.push('Redis from REDIS_URL');
  else if (await redisAnswers('127.0.0.1', 6379)) {
    env.REDIS_URL = LOCAL_REDIS;
    notes.push(`Redis at ${LOCAL_REDIS} (REDIS_URL unset, the local server answered)`);
  } else skipped.push('the Redis suites (REDIS_URL unset and nothing answers at 127.0.0.1:6379)');
  const line = skipped.length ? `npm test: skipping ${skipped.join(' and ')}; ${notes.join(', ') || 'SQLite only'}.` : `npm test: ${notes.join(', ')}.`;
  process.stderr.write(`${line}\n`);
}
