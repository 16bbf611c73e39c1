import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgClient, PgPool } from './postgres/pool.js';
import type { SqliteDatabase } from './sqlite.js';

/** One `NNN_name.sql` file of the migrations directory. */
export interface MigrationFile {
  version: number;
  name: string;
  fileName: string;
  sql: string;
  /** SHA-256 (hex) of the file with CRLF read as LF, so a Windows checkout does not count as a change. */
  checksum: string;
}

export interface MigrateResult {
  /** What this call applied, in order (empty when the database was up to date). */
  applied: Array<{ version: number; name: string }>;
  /** Versions recorded in the database with no file here: a newer release migrated it. */
  unknown: number[];
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;

/** Which migrations a database has had, with each file's checksum; the same on both databases. */
const CREATE_LEDGER = {
  postgres: `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`,
  sqlite: `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  checksum   TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`,
};

type Dialect = keyof typeof CREATE_LEDGER;

/**
 * `migrations/<dialect>` of the project, found by walking up from this module: the same code runs
 * from src/ (tsx) and from dist/src/ (built), which sit at different depths.
 */
export function defaultMigrationsDir(dialect: Dialect = 'postgres'): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'migrations', dialect);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`migrations/${dialect} not found above `  + path.dirname(fileURLToPath(import.meta.url)));
}

/**
 * The migration files of `dir`, by version. A `.sql` file not named `NNN_name.sql`, or two files
 * with one version, is an error rather than silently skipped or applied in a guessed order.
 */
export function readMigrations(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const fileName of fs.readdirSync(dir)) {
    if (!fileName.endsWith('.sql')) continue;
    const m = FILE_NAME.exec(fileName);
    if (!m) throw new Error(`migration file ${fileName} is not named NNN_name.sql`);
    const sql = fs.readFileSync(path.join(dir, fileName), 'utf8').replace(/\r\n/g, '\n');
    const checksum = crypto.createHash('sha256').update(sql, 'utf8').digest('hex');
    files.push({ version: Number(m[1]), name: m[2] ?? '', fileName, sql, checksum });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]?.version === files[i - 1]?.version) throw new Error(`two migration files have version ${files[i]?.version}`);
  }
  return files;
}

/**
 * Brings the schema named by the connection's search_path up to date with the files of `dir`.
 *
 * Each file runs in its own transaction together with its `schema_migrations` row, so a failed
 * file leaves nothing behind and is retried whole next time (a file therefore cannot use
 * statements refused inside a transaction, such as CREATE INDEX CONCURRENTLY). A session advisory
 * lock, keyed on the schema, is held throughout: instances starting together take turns, and the
 * later ones find nothing left to do.
 *
 * Refuses (throws, applying nothing) when an applied file's content changed, or when a new file is
 * numbered below one already applied: both mean databases would differ by when they migrated.
 */
export async function migratePostgres(pool: PgPool, dir: string = defaultMigrationsDir('postgres')): Promise<MigrateResult> {
  const files = readMigrations(dir);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const schema = (await client.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
    if (!schema) throw new Error('migrate: the search_path names no existing schema');
    const key = lockKey(schema);
    await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      return await applyPending(client, files);
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      } catch (unlockErr) {
        broken = unlockErr as Error;
      }
    }
  } finally {
    // A connection that could not unlock is closed, which ends its session and so its lock.
    client.release(broken);
  }
}

async function applyPending(client: PgClient, files: MigrationFile[]): Promise<MigrateResult> {
  await client.query(CREATE_LEDGER.postgres);
  const recorded = (await client.query<LedgerRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;
  const pending = pendingFiles(files, recorded);
  const applied: MigrateResult['applied'] = [];
  for (const file of pending) {
    await client.query('BEGIN');
    try {
      await client.query(file.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [file.version, file.name, file.checksum]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${file.fileName} failed: ${(err as Error).message}`, { cause: err });
    }
    applied.push({ version: file.version, name: file.name });
  }
  return { applied, unknown: unknownVersions(files, recorded) };
}

/**
 * Brings the SQLite database up to date with the files of `dir`, all in one `BEGIN IMMEDIATE`
 * transaction (SQLite's DDL is transactional): two processes opening the same file at once take
 * turns, the later one finds nothing left to do, and a failed file leaves the schema as it was.
 * A database made before SQLite had migrations (no ledger, tables already there) first gets the
 * columns that its version may lack, so the baseline's `CREATE TABLE IF NOT EXISTS` fits it.
 * Refuses, as on PostgreSQL, a changed applied file or a new file numbered below an applied one.
 */
export function migrateSqlite(db: SqliteDatabase, dir: string = defaultMigrationsDir('sqlite')): MigrateResult {
  const files = readMigrations(dir);
  const run = db.transaction((): MigrateResult => {
    const unversioned = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()?.n === 0;
    db.exec(CREATE_LEDGER.sqlite);
    if (unversioned) addLegacyColumns(db);
    const recorded = db.prepare<[], LedgerRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all();
    const applied: MigrateResult['applied'] = [];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const file of pendingFiles(files, recorded)) {
      try {
        db.exec(file.sql);
      } catch (err) {
        throw new Error(`migration ${file.fileName} failed: ${(err as Error).message}`, { cause: err });
      }
      record.run(file.version, file.name, file.checksum, new Date().toISOString());
      applied.push({ version: file.version, name: file.name });
    }
    return { applied, unknown: unknownVersions(files, recorded) };
  });
  return run.immediate();
}

/**
 * Columns that the stores of releases before versioned SQLite schemas added to existing tables as
 * they met them (ALTER TABLE … ADD COLUMN); a file made by such a release may lack any of them.
 */
const LEGACY_COLUMNS: ReadonlyArray<{ table: string; column: string; ddl: string }> = [
  { table: 'processed_messages', column: 'replies', ddl: 'replies TEXT' },
  { table: 'transcript', column: 'attachment', ddl: 'attachment TEXT' },
  { table: 'transcript', column: 'photo', ddl: 'photo TEXT' },
  { table: 'handoffs', column: 'itsm_number', ddl: 'itsm_number TEXT' },
  { table: 'handoffs', column: 'apkt_number', ddl: 'apkt_number TEXT' },
  { table: 'itsm_tickets', column: 'priority', ddl: "priority TEXT NOT NULL DEFAULT 'normal'" },
  { table: 'ticket_outbox', column: 'notice', ddl: 'notice TEXT' },
  { table: 'ticket_outbox', column: 'dead_at', ddl: 'dead_at TEXT' },
];

function addLegacyColumns(db: SqliteDatabase): void {
  for (const { table, column, ddl } of LEGACY_COLUMNS) {
    const columns = db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table);
    // No columns: the table is not there yet, and the baseline creates it whole.
    if (columns.length > 0 && !columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${ddl}`);
  }
}

interface LedgerRow {
  version: number;
  name: string;
  checksum: string;
}

/** The files not applied yet, in order; throws when an applied file changed or a new one is numbered too low. */
function pendingFiles(files: MigrationFile[], recorded: LedgerRow[]): MigrationFile[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const done = new Set<number>();
  for (const row of recorded) {
    done.add(row.version);
    const file = byVersion.get(row.version);
    if (file && file.checksum !== row.checksum) {
      throw new Error(`migration ${file.fileName} was changed after it was applied (checksum differs); add a new migration instead`);
    }
  }
  const highest = recorded.at(-1)?.version ?? 0;
  const pending = files.filter((f) => !done.has(f.version));
  const early = pending.find((f) => f.version < highest);
  if (early) throw new Error(`migration ${early.fileName} is numbered below version ${highest}, already applied; renumber it`);
  return pending;
}

/** Versions recorded in the database with no file here (a newer release migrated it). */
function unknownVersions(files: MigrationFile[], recorded: LedgerRow[]): number[] {
  const known = new Set(files.map((f) => f.version));
  return recorded.map((r) => r.version).filter((v) => !known.has(v));
}

/** A 64-bit advisory lock key per schema, so separate schemas (tests, tenants) do not wait on each other. */
function lockKey(schema: string): string {
  return crypto.createHash('sha256').update(`pln123:migrate:${schema}`).digest().readBigInt64BE(0).toString();
}
