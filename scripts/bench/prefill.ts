/**
 * Fills the service's SQLite database (the service stopped) with `count` stored conversations:
 * copies of a real finished application's row of `conversations` (its snapshot JSON and
 * machine_version and updated_at as the service wrote them), only the key changed. One transaction.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

export interface PrefillResult {
  before: number;
  after: number;
  snapshotBytes: number;
  ms: number;
  dbMb: number;
}

export function countConversations(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'pln123.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM conversations').get()!.n;
  } finally {
    db.close();
  }
}

export function prefillConversations(dataDir: string, count: number): PrefillResult {
  const started = performance.now();
  const db = new Database(path.join(dataDir, 'pln123.sqlite'));
  try {
    const before = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM conversations').get()!.n;
    const template = db
      .prepare<[], { machine_version: number; snapshot: string; updated_at: number }>(`SELECT machine_version, snapshot, updated_at FROM conversations WHERE snapshot LIKE '%ITSM-%' ORDER BY updated_at DESC LIMIT 1`)
      .get();
    if (!template) throw new Error('prefill: no finished application in the database to copy');
    const insert = db.prepare('INSERT INTO conversations (conversation_key, machine_version, snapshot, updated_at) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(`emulator:prefill-${String(i).padStart(6, '0')}`, template.machine_version, template.snapshot, template.updated_at);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const after = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM conversations').get()!.n;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { before, after, snapshotBytes: Buffer.byteLength(template.snapshot), ms: performance.now() - started, dbMb: (pages * pageSize) / 1024 / 1024 };
  } finally {
    db.close();
  }
}
