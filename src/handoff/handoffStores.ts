import type { Database } from '../storage/database.js';
import { SqliteHandoffStore, type HandoffStore } from './handoffStore.js';
import { OfficerStore } from './officerStore.js';
import { PgHandoffStore } from './pgHandoffStore.js';
import { SessionStore, type SessionStoreOptions } from './sessionStore.js';

/** Where the officers' queue, transcripts, accounts and console sessions are kept. */
export type HandoffBackend = Database;

/** The stores of the officers' side, on one database. */
export interface HandoffStores {
  handoffs: HandoffStore;
  officers: OfficerStore;
  sessions: SessionStore;
}

/**
 * The handoff, officer and session stores on SQLite (one process; creates its tables) or on
 * PostgreSQL (shared by every instance; the tables come from migrations/postgres, so run
 * `migrate(pool)` first).
 *
 * @example
 *   const { handoffs, officers, sessions } = createHandoffStores(pool ? { kind: 'postgres', pool } : { kind: 'sqlite', db });
 */
export function createHandoffStores(backend: HandoffBackend, options: { sessions?: SessionStoreOptions } = {}): HandoffStores {
  if (backend.kind === 'postgres') {
    return {
      handoffs: new PgHandoffStore(backend.pool),
      officers: new OfficerStore(backend.db),
      sessions: new SessionStore(backend.db, options.sessions),
    };
  }
  return {
    handoffs: new SqliteHandoffStore(backend.sqlite),
    officers: new OfficerStore(backend.db),
    sessions: new SessionStore(backend.db, options.sessions),
  };
}
