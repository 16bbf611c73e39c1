import type { Database } from '../storage/database.js';
import { HandoffStore } from './handoffStore.js';
import { OfficerStore, SqliteOfficerRepository } from './officerStore.js';
import { PgOfficerRepository } from './pgOfficerRepository.js';
import { PgSessionRepository } from './pgSessionRepository.js';
import { SessionStore, SqliteSessionRepository, type SessionStoreOptions } from './sessionStore.js';

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
      handoffs: new HandoffStore(backend),
      officers: new OfficerStore(new PgOfficerRepository(backend.pool)),
      sessions: new SessionStore(new PgSessionRepository(backend.pool), options.sessions),
    };
  }
  return {
    handoffs: new HandoffStore(backend),
    officers: new OfficerStore(new SqliteOfficerRepository(backend.sqlite)),
    sessions: new SessionStore(new SqliteSessionRepository(backend.sqlite), options.sessions),
  };
}
