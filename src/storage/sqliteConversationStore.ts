import type { SqliteDatabase } from './sqlite.js';
import type { ConversationStore, SaveTurnOutcome, StoredConversation } from './conversationStore.js';

/** Processed message ids are kept this long: Meta redelivers webhooks for up to 7 days. */
const PROCESSED_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

export class SqliteConversationStore implements ConversationStore {
  private readonly selectConversation;
  private readonly upsertConversation;
  private readonly selectProcessed;
  private readonly insertProcessed;
  private readonly deleteOldProcessed;
  private saves = 0;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        conversation_key TEXT PRIMARY KEY,
        machine_version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS processed_messages (
        message_id TEXT PRIMARY KEY,
        processed_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS processed_messages_at ON processed_messages (processed_at);
    `);
    this.selectConversation = db.prepare<[string], { machine_version: number; snapshot: string }>(
      'SELECT machine_version, snapshot FROM conversations WHERE conversation_key = ?',
    );
    this.upsertConversation = db.prepare(
      `INSERT INTO conversations (conversation_key, machine_version, snapshot, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_key) DO UPDATE SET machine_version = excluded.machine_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
    );
    this.selectProcessed = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM processed_messages WHERE message_id = ?');
    this.insertProcessed = db.prepare('INSERT OR IGNORE INTO processed_messages (message_id, processed_at) VALUES (?, ?)');
    this.deleteOldProcessed = db.prepare('DELETE FROM processed_messages WHERE processed_at < ?');
  }

  async load(conversationKey: string): Promise<StoredConversation | null> {
    const row = this.selectConversation.get(conversationKey);
    return row ? { machineVersion: row.machine_version, snapshot: JSON.parse(row.snapshot) as unknown } : null;
  }

  async wasProcessed(messageId: string): Promise<boolean> {
    return this.selectProcessed.get(messageId) !== undefined;
  }

  async markProcessed(messageId: string): Promise<void> {
    this.insertProcessed.run(messageId, Date.now());
  }

  async saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<SaveTurnOutcome> {
    const now = Date.now();
    // The id goes in first: if another connection recorded it meanwhile, its turn's state stands.
    const outcome = this.db.transaction((): SaveTurnOutcome => {
      if (messageId && this.insertProcessed.run(messageId, now).changes === 0) return 'duplicate';
      this.upsertConversation.run(conversationKey, state.machineVersion, JSON.stringify(state.snapshot), now);
      return 'saved';
    })();
    if (++this.saves % 1000 === 0) this.deleteOldProcessed.run(now - PROCESSED_RETENTION_MS);
    return outcome;
  }
}
