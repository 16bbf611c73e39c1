import { afterEach, describe, expect, it } from 'vitest';
import { findTickets } from '../../src/bot/dialogServices.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { SqlTicketing } from '../../src/tickets/sqlTicketing.js';
import { TicketService } from '../../src/tickets/ticketService.js';
import { fixedClock, makeRequest } from './fixtures.js';

/** The status look-ups of the dialog against the real ticketing module (SQLite): issue 14, item 4. */

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function setup() {
  const db = openSqlite(':memory:');
  cleanups.push(() => db.close());
  const clock = fixedClock('2026-11-24T03:00:00.000Z');
  const database = sqliteDatabase(db);
  const service = new TicketService({ db: database, port: new SqlTicketing(database, { now: clock.now }), now: clock.now });
  const first = await service.file(makeRequest({ idempotencyKey: 'k1', conversationId: 'chat-old' }));
  clock.set('2026-11-26T03:00:00.000Z');
  const second = await service.file(makeRequest({ idempotencyKey: 'k2', channel: 'messenger', conversationId: 'psid-9' }));
  // Same phone, another email: a stranger who knows only the phone must not see it by this email.
  const other = await service.file(makeRequest({ idempotencyKey: 'k3', conversationId: 'chat-x', applicant: { ...makeRequest().applicant, email: 'lain@example.com' } }));
  return { service, first: first.itsmNumber, second: second.itsmNumber, other: other.itsmNumber };
}

describe('findTickets', () => {
  it('by phone and email: only the tickets naming both, newest first, whatever form the phone is typed in', async () => {
    const { service, first, second } = await setup();
    const found = await findTickets(service, { by: 'contact', phone: '0812-3456-7890', email: ' SITI@example.co.id ' });
    expect(found.map((t) => t.number)).toEqual([second, first]);
    expect(found[0]?.filedAt).toBe('2026-11-26T03:00:00.000Z');
  });

  it('finds nothing when the phone and the email belong to different tickets or one is wrong', async () => {
    const { service } = await setup();
    expect(await findTickets(service, { by: 'contact', phone: '0812-9999-8888', email: 'siti@example.co.id' })).toEqual([]);
    expect(await findTickets(service, { by: 'contact', phone: '0812-3456-7890', email: 'budi@example.com' })).toEqual([]);
    expect(await findTickets(service, { by: 'contact', phone: 'bukan nomor', email: 'siti@example.co.id' })).toEqual([]);
  });

  it("the conversation's own tickets, and those of its WhatsApp number from other chats, each once", async () => {
    const { service, first, second, other } = await setup();
    const own = await findTickets(service, { by: 'conversation', channel: 'whatsapp', conversationId: 'chat-old' });
    expect(own.map((t) => t.number)).toEqual([first]);
    const withPhone = await findTickets(service, { by: 'conversation', channel: 'whatsapp', conversationId: 'chat-old', phone: '+6281234567890' });
    expect(withPhone.map((t) => t.number)).toEqual([other, second, first]);
  });
});
