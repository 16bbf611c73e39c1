import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the embedded SQLite database under `dataDir`.
 *
 * WAL lets readers (the ticket API, health checks) run while a turn writes; `synchronous=NORMAL`
 * is the usual pairing with WAL and still survives a process crash (only an OS crash can lose the
 * last transactions). The schema comes from migrations/sqlite, applied by `sqliteDatabase`
 * (src/storage/database.ts), which is how the stores get the connection.
 *
 * @example const db = openSqlite('./data'); // ./data/pln123.sqlite
 */
export function openSqlite(dataDir: string, fileName = 'pln123.sqlite'): SqliteDatabase {
  const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, fileName);
  if (file !== ':memory:') fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return cacheStatements(db);
}

/**
 * Makes `db.prepare(sql)` return the same compiled statement for the same SQL text, so stores can
 * write their queries where they use them without compiling one per call (compiling was the
 * largest single cost of a turn's transcript writes). Safe because every statement here is run to
 * completion synchronously (`get`, `all`, `run`; never `iterate`, `pluck`, `raw` or `expand`,
 * which would keep a statement busy or change its mode for the next caller).
 */
function cacheStatements(db: SqliteDatabase): SqliteDatabase {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) {
      statement = compile(sql);
      // A bound against SQL built from data by mistake: past it, statements are compiled per call.
      if (compiled.size < 1000) compiled.set(sql, statement);
    }
    return statement;
  }) as SqliteDatabase['prepare'];
  return db;
}
