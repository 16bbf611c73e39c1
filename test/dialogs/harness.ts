import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromPromise } from 'xstate';
import { conversationMachine, type FileApplicationInput } from '../../dialogs/conversation.machine.js';
import type { PhotoInput } from '../../dialogs/events.js';
import { eventFromText } from '../../dialogs/toEvent.js';
import { DialogEngine } from '../../src/bot/dialogEngine.js';
import { renderReply } from '../../src/bot/renderReply.js';
import { openSqlite, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { SqliteConversationStore } from '../../src/storage/sqliteConversationStore.js';
import type { FiledTicket, PhotoRef } from '../../src/tickets/types.js';

export const PHOTO: PhotoRef = { sha256: 'ab'.repeat(32), bytes: 12345, width: 800, height: 600, mimeType: 'image/jpeg', fileName: `${'ab'.repeat(32)}.jpg` };

/** Fakes for the two services the machine calls, recording what they were given. */
export class FakeServices {
  filed: FileApplicationInput[] = [];
  failFiling = 0;
  photoError: string | null = null;
  private seq = 0;
  private readonly byKey = new Map<string, FiledTicket>();

  machine() {
    return conversationMachine.provide({
      actors: {
        fileApplication: fromPromise<FiledTicket, FileApplicationInput>(async ({ input }) => {
          this.filed.push(input);
          if (this.failFiling > 0) {
            this.failFiling--;
            throw new Error('ITSM unavailable');
          }
          const existing = this.byKey.get(input.idempotencyKey);
          if (existing) return existing;
          this.seq++;
          const ticket = { itsmNumber: `ITSM-20261124-${String(this.seq).padStart(5, '0')}`, apktNumber: `APKT-20261124-${String(this.seq).padStart(5, '0')}` };
          this.byKey.set(input.idempotencyKey, ticket);
          return ticket;
        }),
        ingestPhoto: fromPromise<PhotoRef, { source: PhotoInput }>(async () => {
          if (this.photoError) throw Object.assign(new Error('refused'), { code: this.photoError });
          return PHOTO;
        }),
      },
    });
  }

  /** Distinct tickets issued (the fake is idempotent on the key like the real module). */
  get ticketsIssued(): number {
    return this.seq;
  }
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pln123-test-'));
}

/** One conversation driven through the real engine and store, with fake services. */
export class Conversation {
  readonly engine: DialogEngine;

  constructor(
    readonly services: FakeServices,
    readonly db: SqliteDatabase = openSqlite(':memory:'),
    readonly channel = 'emulator',
    readonly conversationId = 'conv-1',
  ) {
    this.engine = new DialogEngine({ store: new SqliteConversationStore(db), machine: services.machine(), defaultLocale: 'id' });
  }

  get key() {
    return `${this.channel}:${this.conversationId}`;
  }

  /** Sends text; returns the replies as the user would read them (Indonesian). */
  async say(text: string, messageId: string = randomUUID()): Promise<string[]> {
    const r = await this.engine.step({ conversationKey: this.key, channel: this.channel, conversationId: this.conversationId, messageId, event: eventFromText(text) });
    return r.replies.map((reply) => renderReply(reply, r.locale).text);
  }

  async photo(): Promise<string[]> {
    const r = await this.engine.step({
      conversationKey: this.key,
      channel: this.channel,
      conversationId: this.conversationId,
      messageId: randomUUID(),
      event: { type: 'PHOTO', source: { kind: 'url', url: 'http://127.0.0.1:9/photo.jpg' } },
    });
    return r.replies.map((reply) => renderReply(reply, r.locale).text);
  }

  async state(): Promise<string> {
    const snap = await this.engine.peek(this.key);
    return JSON.stringify(snap?.value);
  }

  async context() {
    const snap = await this.engine.peek(this.key);
    if (!snap) throw new Error('no conversation');
    return snap.context;
  }
}

export const ANSWERS = {
  name: 'budi santoso',
  businessName: 'Keripik Bu Sri',
  productType: 'makanan ringan',
  city: 'surabaya',
  province: 'jatim',
  phone: '0812-3456-7890',
  email: 'budi.santoso@gmail.com',
};

/** Answers every field question in order; returns the replies to the last answer. */
export async function fillForm(c: Conversation, answers: Partial<typeof ANSWERS> = {}): Promise<string[]> {
  const a = { ...ANSWERS, ...answers };
  await c.say('mau daftar jadi seller');
  let last: string[] = [];
  for (const value of [a.name, a.businessName, a.productType, a.city, a.province, a.phone, a.email]) last = await c.say(value);
  return last;
}
