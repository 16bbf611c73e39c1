import { describe, expect, it } from 'vitest';
import { LocalHandoffBus } from '../../src/handoff/handoffBus.js';
import { HandoffGate } from '../../src/handoff/handoffGate.js';
import { HandoffStore } from '../../src/handoff/handoffStore.js';
import { sqliteDatabase } from '../../src/storage/database.js';
import { WorkingHours } from '../../src/core/workingHours.js';
import { t } from '../../src/i18n/messages.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { Conversation, FakeServices, fillForm, testUnderstanding } from './harness.js';

const q = (field: string) => t('id', `fields.${field}.question`);

const refOf = (c: Conversation) => ({ conversationKey: c.key, channel: c.channel, conversationId: c.conversationId });

/** What the officers' side does to a conversation, as the desk does it: take, then hand back or close. */
async function take(c: Conversation, officer = 'sari.cso') {
  const handoff = await c.handoffs.openOf(c.key);
  if (!handoff || !(await c.handoffs.take(handoff.id, officer))) throw new Error('nothing to take');
  await c.engine.control(refOf(c), { type: 'OFFICER_JOINED', officer });
  return handoff.id;
}
async function handBack(c: Conversation, id: number, officer = 'sari.cso') {
  if (!(await c.handoffs.finish(id, officer, 'handedBack'))) throw new Error('not held');
  const r = await c.engine.control(refOf(c), { type: 'HANDED_BACK' });
  return r.replies.map((reply) => t('id', reply.key, reply.vars));
}

describe('asking for a person', () => {
  it.each([
    'petugas',
    'mau ngobrol sama cs aja',
    'bisa dibantu petugas?',
    'saya mau bicara dengan petugas dong',
    'tolong sambungkan ke customer service',
    'min, hubungkan ke admin',
    'mau sama orang asli aja kak',
    'bukan bot',
    'talk to a human please',
    'can i speak to a real person',
    'i want to speak to an agent',
  ])('understands "%s"', async (text) => {
    expect(await testUnderstanding.understand(text, { kind: 'field', field: 'businessName' })).toMatchObject({ kind: 'officer' });
  });

  it.each(['Toko Admin Jaya', 'jasa admin medsos', 'Budi Orang', 'minta nomor cs', 'orang tua saya yang daftar'])('does not take the answer "%s" for a request', async (text) => {
    expect((await testUnderstanding.understand(text, { kind: 'field', field: 'businessName' })).kind).not.toBe('officer');
  });

  it('queues a customer who asks in the middle of the form, keeps the form, and does not store the words as an answer', async () => {
    const c = new Conversation(new FakeServices(), undefined, 'whatsapp', '6281200000009');
    await c.say('mau daftar jadi seller');
    await c.say('budi santoso');
    expect(await c.say('mau ngobrol sama cs aja')).toEqual([t('id', 'officer.queued', { position: 1 }), t('id', 'officer.continueForm')]);
    expect((await c.context()).application?.fields.businessName).toBeUndefined();
    expect(await c.handoffs.openOf(c.key)).toMatchObject({ status: 'waiting', reason: 'asked' });
    // Waiting is not holding: the form goes on.
    expect(await c.say('Keripik Bu Sri')).toEqual([q('productType')]);
  });

  it('counts queue positions across conversations', async () => {
    const db = openSqlite(':memory:');
    const services = new FakeServices();
    const first = new Conversation(services, db, 'whatsapp', 'a');
    const second = new Conversation(services, db, 'whatsapp', 'b');
    await first.say('petugas');
    expect(await second.say('petugas')).toEqual([t('id', 'officer.queued', { position: 2 })]);
  });
});

describe('messages the bot cannot place', () => {
  it('hands over the second one in a row, not the first; a placed message in between starts the count again', async () => {
    const c = new Conversation(new FakeServices());
    expect(await c.say('qwerty zzz')).toEqual([t('id', 'welcome.notUnderstood')]);
    expect(await c.say('promo lebaran ceria masih ada?')).toEqual([t('id', 'promo.ended')]);
    expect(await c.say('asdf jkl')).toEqual([t('id', 'welcome.notUnderstood')]);
    expect(await c.handoffs.openOf(c.key)).toBeNull();
    expect(await c.say('zzz qqq')).toEqual([t('id', 'officer.queuedUnplaced', { position: 1 })]);
    expect(await c.handoffs.openOf(c.key)).toMatchObject({ reason: 'unplaced' });
  });
});

describe('while an officer holds the conversation, and after', () => {
  it('says nothing and leaves the dialog where it was; handing back resumes at the first open question', async () => {
    const services = new FakeServices();
    const c = new Conversation(services, undefined, 'whatsapp', '6281200000010');
    await c.say('mau daftar jadi seller');
    await c.say('budi santoso');
    await c.say('Keripik Bu Sri');
    await c.say('petugas');
    const before = await c.state();
    const id = await take(c);
    for (const text of ['batal', 'petugas', 'makanan ringan', 'halo', 'kirim']) expect(await c.say(text)).toEqual([]);
    expect(await c.photo()).toEqual([]);
    expect(await c.state()).toBe(before);
    expect((await c.context()).officer).toBe('sari.cso');
    const customer = (await c.handoffs.transcript(c.key)).filter((l) => l.from === 'customer').map((l) => l.text);
    expect(customer.slice(-6)).toEqual(['batal', 'petugas', 'makanan ringan', 'halo', 'kirim', t('id', 'officer.photoPlaceholder')]);

    expect(await handBack(c, id)).toEqual([t('id', 'officer.handedBack'), q('productType')]);
    for (const answer of ['makanan ringan', 'kepanjen', 'jatim', '0812-3456-7890', 'budi@gmail.com']) await c.say(answer);
    await c.photo();
    await c.say('kirim');
    // The officer who held the conversation is the receiving officer of the ticket filed after it (SOP 1c).
    expect(services.filed.at(-1)).toMatchObject({ kind: 'seller', officer: 'sari.cso' });
  });

  it('re-asks a question that was waiting for "ya" (a province guess) when handed back', async () => {
    const c = new Conversation(new FakeServices());
    await c.say('mau daftar jadi seller');
    for (const answer of ['budi santoso', 'Keripik Bu Sri', 'makanan ringan', 'kepanjen']) await c.say(answer);
    expect((await c.say('jawa timr'))[0]).toContain('Jawa Timur');
    await c.say('petugas');
    const id = await take(c);
    expect(await handBack(c, id)).toEqual([t('id', 'officer.handedBack'), q('province')]);
  });

  it('goes back to choosing the complaint type, or to the menu, when that is where it was', async () => {
    const complaint = new Conversation(new FakeServices());
    await complaint.say('aplikasinya ribet, susah');
    await complaint.say('petugas');
    const id = await take(complaint);
    const back = await handBack(complaint, id);
    expect(back[0]).toBe(t('id', 'officer.handedBack'));
    expect(back).toHaveLength(2);
    expect(await complaint.state()).toContain('chooseType');

    const idle = new Conversation(new FakeServices(), undefined, 'emulator', 'idle-1');
    await idle.say('petugas');
    const idleId = await take(idle);
    expect(await handBack(idle, idleId)).toEqual([t('id', 'officer.handedBackMenu')]);
  });

  it('closing ends the form with a goodbye; a ticket filed by the officer is never filed again', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await fillForm(c);
    await c.say('petugas');
    const id = await take(c);
    await c.engine.control(refOf(c), { type: 'FILED_BY_OFFICER', ticket: { itsmNumber: 'ITSM-20261124-00042', apktNumber: 'APKT-20261124-00042' } });
    expect(await c.handoffs.finish(id, 'sari.cso', 'closed')).not.toBeNull();
    const closed = await c.engine.control(refOf(c), { type: 'HANDOFF_CLOSED' });
    expect(closed.replies.map((r) => r.key)).toEqual(['officer.closed']);
    expect(await c.say('kirim')).toEqual([t('id', 'seller.alreadyFiled', { number: 'ITSM-20261124-00042' })]);
    expect(services.filed).toEqual([]);
  });
});

describe('working hours', () => {
  const hours = WorkingHours.parse('mon-fri 08:00-17:00; sat 08:00-12:00', 'Asia/Jakarta');

  it('reads the schedule in Jakarta time and finds the next opening', () => {
    expect(hours.isOpen(new Date('2026-11-27T03:00:00Z'))).toBe(true); // Friday 10:00 WIB
    expect(hours.isOpen(new Date('2026-11-27T10:00:00Z'))).toBe(false); // Friday 17:00 WIB
    expect(hours.nextOpening(new Date('2026-11-27T12:00:00Z'))?.toISOString()).toBe('2026-11-28T01:00:00.000Z'); // Saturday 08:00
    expect(hours.nextOpening(new Date('2026-11-28T06:00:00Z'))?.toISOString()).toBe('2026-11-30T01:00:00.000Z'); // Monday 08:00
    expect(hours.describe('id')).toBe('Senin–Jumat 08.00–17.00, Sabtu 08.00–12.00 WIB');
    expect(WorkingHours.parse('always', 'Asia/Jakarta').nextOpening(new Date())).toBeNull();
  });

  it('follows daylight saving time where the zone has it', () => {
    const ny = WorkingHours.parse('mon-fri 09:00-17:00', 'America/New_York');
    expect(ny.nextOpening(new Date('2026-03-07T12:00:00Z'))?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it.each(['', 'weekdays', 'mon-fri 17:00-08:00', 'mon-fri 8-17', 'xyz 08:00-17:00'])('refuses the schedule "%s"', (spec) => {
    expect(() => WorkingHours.parse(spec, 'Asia/Jakarta')).toThrow();
  });

  it('tells a customer who asks on Friday night when officers are back, and that the form can go on', async () => {
    const store = new HandoffStore(sqliteDatabase(openSqlite(':memory:')));
    const gate = new HandoffGate({ store, bus: new LocalHandoffBus(), hours, now: () => new Date('2026-11-27T14:30:00Z') });
    const { replies } = await gate.open({ conversationKey: 'whatsapp:1', channel: 'whatsapp', conversationId: '1' }, { reason: 'asked', formInProgress: true }, 'id');
    expect(replies.map((r) => t('id', r.key, r.vars))).toEqual([
      t('id', 'officer.queued', { position: 1 }),
      t('id', 'officer.outsideHours', { hours: 'Senin–Jumat 08.00–17.00, Sabtu 08.00–12.00 WIB', next: 'Sabtu, 28 November pukul 08.00 WIB' }),
      t('id', 'officer.continueForm'),
    ]);
  });
});
