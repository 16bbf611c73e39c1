import { addColumnIfMissing, appendSqliteTranscript, ensureSqliteTranscript } from '../handoff/transcriptWrites.js';
import type { TranscriptEntry } from '../handoff/types.js';
import type { SqliteDatabase } from './sqlite.js';
import { groupCommit } from './sqliteGroupCommit.js';
import { repliesJson, type ConversationStore, type SaveTurnOutcome, type StoredConversation, type StoredReplies, type TurnCommit, type TurnWrite } from './conversationStore.js';

/** Processed message ids are kept this long: Meta redelivers webhooks for up to 7 days. */
const PROCESSED_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

export class SqliteConversationStore implements ConversationStore {
  private readonly selectConversation;
  private readonly upsertConversation;
  private readonly selectProcessed;
  private readonly insertProcessed;
  private readonly selectReplies;
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
    // Databases created before the turn's replies were kept get the column.
    addColumnIfMissing(db, 'processed_messages', 'replies', 'TEXT');
    // A turn's transcript lines are written with its state (the handoff store reads them).
    ensureSqliteTranscript(db);
    this.selectConversation = db.prepare<[string], { machine_version: number; snapshot: string }>(
      'SELECT machine_version, snapshot FROM conversations WHERE conversation_key = ?',
    );
    this.upsertConversation = db.prepare(
      `INSERT INTO conversations (conversation_key, machine_version, snapshot, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_key) DO UPDATE SET machine_version = excluded.machine_version, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
    );
    this.selectProcessed = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM processed_messages WHERE message_id = ?');
    this.insertProcessed = db.prepare('INSERT OR IGNORE INTO processed_messages (message_id, processed_at, replies) VALUES (?, ?, ?)');
    this.selectReplies = db.prepare<[string], { replies: string | null }>('SELECT replies FROM processed_messages WHERE message_id = ?');
    this.deleteOldProcessed = db.prepare('DELETE FROM processed_messages WHERE processed_at < ?');
  }

  async load(conversationKey: string): Promise<StoredConversation | null> {
    const row = this.selectConversation.get(conversationKey);
    return row ? { machineVersion: row.machine_version, snapshot: JSON.parse(row.snapshot) as unknown } : null;
  }

  async wasProcessed(messageId: string): Promise<boolean> {
    return this.selectProcessed.get(messageId) !== undefined;
  }

  async repliesOf(messageId: string): Promise<StoredReplies | null> {
    const row = this.selectReplies.get(messageId);
    return row?.replies ? (JSON.parse(row.replies) as StoredReplies) : null;
  }

  async markProcessed(messageId: string): Promise<void> {
    await this.commitTurn({ conversationKey: '', state: null, messageId });
  }

  async saveTurn(conversationKey: string, state: StoredConversation, messageId: string | null): Promise<SaveTurnOutcome> {
    return (await this.commitTurn({ conversationKey, state, messageId })).outcome;
  }

  async commitTurn(turn: TurnWrite): Promise<TurnCommit> {
    const now = Date.now();
    // Committed with the other turns of this moment (one transaction, a savepoint each).
    const committed = await groupCommit(this.db).run(() => this.writeTurn(turn, now));
    if (++this.saves % 1000 === 0) this.deleteOldProcessed.run(now - PROCESSED_RETENTION_MS);
    return committed;
  }

  /** What commitTurn writes: all of it or, when a statement fails, none of it (its savepoint is rolled back). */
  private writeTurn(turn: TurnWrite, now: number): TurnCommit {
    // The id goes in first: if another connection recorded it meanwhile, its turn's state stands.
    const replies = repliesJson(turn);
    if (turn.messageId && this.insertProcessed.run(turn.messageId, now, replies).changes === 0) return { outcome: 'duplicate', transcript: [] };
    if (turn.state) this.upsertConversation.run(turn.conversationKey, turn.state.machineVersion, JSON.stringify(turn.state.snapshot), now);
    const at = turn.at ?? new Date(now);
    const transcript: TranscriptEntry[] = (turn.transcript ?? []).map((line) => appendSqliteTranscript(this.db, line, at));
    return { outcome: 'saved', transcript };
  }
}
