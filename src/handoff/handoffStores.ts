import type { Database } from '../storage/database.js';
import { HandoffStore } from './handoffStore.js';
import { OfficerStore } from './officerStore.js';
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
 * The handoff, officer and session stores on the service's database (SQLite, or PostgreSQL shared
 * by every instance: its tables come from migrations/postgres, so run `npm run migrate` first).
 *
 * @example
 *   const { handoffs, officers, sessions } = createHandoffStores(openSqliteDatabase(dataDir));
 */
export function createHandoffStores(backend: HandoffBackend, options: { sessions?: SessionStoreOptions } = {}): HandoffStores {
  return {
    handoffs: new HandoffStore(backend),
    officers: new OfficerStore(backend.db),
    sessions: new SessionStore(backend.db, options.sessions),
  };
}
