/**
 * `npm run dead-letters -- [list] [--json]` and `npm run dead-letters -- retry <id>` (tsx
 * scripts/deadLetters.ts): what the service gave up on, as the service's own settings see it.
 *
 * - Dead outbound sends (REDIS_URL): Meta replies that failed every attempt (or that Graph refused
 *   for good), kept in the send queue's dead-letter list. Ids like `send-3:h-5f2c...`.
 * - Dead ticket outbox entries (the database: PostgreSQL with DATABASE_URL, else SQLite under
 *   DATA_DIR): requests the ITSM/APKT refused, or that ran out of OUTBOX_MAX_ATTEMPTS. Ids like
 *   `outbox:<idempotency key>`.
 *
 * Nothing personal is printed in clear: users and conversations as pseudonyms (the ones in the
 * service's logs), applicants as initials, the last digits of the phone and the email's domain,
 * reply texts by their length only.
 *
 * `retry <id>` puts one back: a send is queued again (behind the user's later replies); an outbox
 * entry is revived (attempts from zero) and queued (with REDIS_URL) or left to the retrier.
 * Exit status 1 on bad usage or an unknown id.
 */
import { MetaSendQueue } from '../src/channels/meta/sendQueue.js';
import { loadConfig, type AppConfig } from '../src/config.js';
import { createLogger, usePseudonymKey } from '../src/log.js';
import { OUTBOX_ID_PREFIX, outboxDeadLetterLine, sendDeadLetterLine, type DeadLetterLine } from '../src/tickets/deadLetters.js';
import { openDatabase } from '../src/composition/storage.js';
import { resolvePseudonymKey } from '../src/storage/pseudonymKey.js';
import { OutboxQueue } from '../src/tickets/outboxQueue.js';
import { createTicketStores } from '../src/tickets/ticketStores.js';
import { TicketService } from '../src/tickets/ticketService.js';

const USAGE = `Usage:
  npm run dead-letters                 lists the dead outbound sends and ticket outbox entries
  npm run dead-letters -- --json       the same as JSON lines
  npm run dead-letters -- retry <id>   puts one back (an id as listed)`;

class UsageError extends Error {}

interface Parts {
  tickets: TicketService;
  sends?: MetaSendQueue;
  outbox?: OutboxQueue;
  close(): Promise<void>;
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const [command = 'list', ...rest] = argv.filter((arg) => arg !== '--json');
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  if (command !== 'list' && command !== 'retry') throw new UsageError(`Unknown command "${command}".`);
  const parts = await open(loadConfig());
  try {
    if (command === 'list') {
      if (rest.length > 0) throw new UsageError('list takes no arguments.');
      await list(parts, json);
    } else {
      const [id, ...more] = rest;
      if (!id || more.length > 0) throw new UsageError('Give exactly one id, as listed.');
      await retry(parts, id);
    }
  } finally {
    await parts.close();
  }
}

async function list(parts: Parts, json: boolean): Promise<void> {
  let sends: DeadLetterLine[] | null = null;
  if (parts.sends) {
    try {
      sends = (await parts.sends.deadLetters()).map(sendDeadLetterLine);
    } catch (err) {
      console.error(`The send queue could not be read (Redis): ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
  const outbox = (await parts.tickets.deadLetters()).map(outboxDeadLetterLine);
  if (json) {
    for (const line of [...(sends ?? []), ...outbox]) console.log(JSON.stringify(line));
    return;
  }
  if (!parts.sends) console.log('Dead outbound sends: none kept (REDIS_URL is not set: replies are sent inline).');
  else if (sends) print(`Dead outbound sends (Redis): ${sends.length}`, sends);
  print(`Dead ticket outbox entries (database): ${outbox.length}`, outbox);
  if ((sends?.length ?? 0) + outbox.length > 0) console.log('\nPut one back: npm run dead-letters -- retry <id>');
}

function print(title: string, lines: DeadLetterLine[]): void {
  console.log(title);
  for (const line of lines) {
    console.log(`  ${line.id}  attempts ${line.attempts}${line.at ? `  dead since ${line.at}` : ''}`);
    console.log(`    ${line.what}`);
    if (line.reason) console.log(`    reason: ${line.reason}`);
  }
}

async function retry(parts: Parts, id: string): Promise<void> {
  if (id.startsWith(OUTBOX_ID_PREFIX)) {
    const key = id.slice(OUTBOX_ID_PREFIX.length);
    if (!(await parts.tickets.revive(key))) throw new UsageError(`${id} is not a dead ticket outbox entry.`);
    if (!parts.outbox) {
      console.log(`Revived ${id}: the service's outbox retrier files it at its next round.`);
      return;
    }
    try {
      await parts.outbox.requeue([key]);
      console.log(`Revived ${id} and queued it.`);
    } catch (err) {
      console.log(`Revived ${id}; the queue is unreachable (${err instanceof Error ? err.message : String(err)}): the outbox sweep queues it.`);
    }
    return;
  }
  if (!parts.sends) throw new UsageError(`${id} is not an outbox id, and without REDIS_URL there are no queued sends.`);
  if (!(await parts.sends.retryDeadLetter(id))) throw new UsageError(`${id} is not a dead outbound send.`);
  console.log(`Queued ${id} again.`);
}

/** The service's database and, with REDIS_URL, its queues as a producer only (no worker runs here). */
async function open(config: AppConfig): Promise<Parts> {
  const { database, close: closeDb } = openDatabase(config, { applicationName: 'pln123-dead-letters', max: 2 });
  // The pseudonyms printed are the ones in the service's logs: same key.
  usePseudonymKey(await resolvePseudonymKey(config.logPseudonymKey, database));
  const stores = createTicketStores(database);
  const tickets = new TicketService(stores);
  if (!config.redis) return { tickets, close: closeDb };
  const log = createLogger('silent');
  const prefix = config.redis.prefix.replace(/:+$/, '');
  const retry = config.tickets.retry;
  const sends = new MetaSendQueue({
    connection: config.redis.url,
    prefix,
    attempts: config.redis.sends.maxAttempts,
    backoffMs: config.redis.sends.baseDelayMs,
    maxBackoffMs: config.redis.sends.maxDelayMs,
    log,
    work: false,
  });
  const outbox = new OutboxQueue({
    connection: config.redis.url,
    prefix,
    tickets,
    notify: async () => 'retry',
    attempts: retry.maxAttempts,
    backoffMs: retry.baseDelayMs,
    maxBackoffMs: retry.maxDelayMs,
    log,
    work: false,
  });
  await Promise.all([sends.waitReady(5_000), outbox.waitReady(5_000)]).catch(() => undefined);
  return {
    tickets,
    sends,
    outbox,
    async close() {
      await Promise.all([sends.close(), outbox.close()]);
      await closeDb();
    },
  };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
