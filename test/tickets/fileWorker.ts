/**
 * Child process for the cross-process test: files `count` requests with keys `<prefix>-<i>` and
 * shared keys `shared-<i>` into the SQLite file under `dir`, then prints the numbers as JSON.
 * Run with `node --import tsx test/tickets/fileWorker.ts <dir> <prefix> <count>`.
 */
import { openSqlite } from '../../src/storage/sqlite.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { makeRequest } from './fixtures.js';

const [dir, prefix, countArg] = process.argv.slice(2);
if (!dir || !prefix || !countArg) throw new Error('usage: fileWorker <dir> <prefix> <count>');
const db = openSqlite(dir);
const database = sqliteDatabase(db);
const service = new TicketService({ db: database, port: new SqlTicketing(database) });
const out: string[] = [];
for (let i = 0; i < Number(countArg); i++) {
  out.push((await service.file(makeRequest({ idempotencyKey: `${prefix}-${i}` }))).itsmNumber);
  out.push((await service.file(makeRequest({ idempotencyKey: `shared-${i}` }))).itsmNumber);
}
db.close();
process.stdout.write(JSON.stringify(out));
