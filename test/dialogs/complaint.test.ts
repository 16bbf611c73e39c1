import { eventFromText } from '../../dialogs/toEvent.js';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import { catalogEntry } from '../../dialogs/catalog.js';
import { Conversation, FakeServices } from './harness.js';

const q = (field: string) => t('id', `fields.${field}.question`);
const label = (n: number) => catalogEntry(n)!.label;

async function giveContact(c: Conversation) {
  await c.say('Rudi Hartono');
  await c.say('0813 1111 2222');
  return c.say('rudi@gmail.com');
}

describe('Marketplace complaints', () => {
  it('confirms a confident match in one tap and files the ticket under that catalogue type', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    const first = await c.say('saya sudah transfer bank tapi gagal terus bayarnya');
    expect(first).toEqual([t('id', 'complaint.confirmType', { label: label(26) })]);
    const form = await c.say('ya');
    expect(form).toEqual([t('id', 'complaint.intro'), q('name')]);
    const afterEmail = await giveContact(c);
    expect(afterEmail).toEqual([t('id', 'complaint.screenshotQuestion')]);
    const summary = await c.say('lewati');
    expect(summary[0]).toContain(`${t('id', 'complaint.problemLabel')}: ${label(26)}`);
    expect(summary[0]).toContain('saya sudah transfer bank tapi gagal terus bayarnya');
    const done = await c.say('kirim');
    expect(done).toEqual([t('id', 'complaint.done', { number: 'ITSM-20261124-00001', phone: '0813-1111-2222', email: 'rudi@gmail.com' })]);
    expect(services.filed[0]).toMatchObject({ kind: 'complaint', catalogNumber: 26, priority: 'normal', description: 'saya sudah transfer bank tapi gagal terus bayarnya' });
    expect(services.filed[0]!.applicant).toMatchObject({ name: 'Rudi Hartono', phone: '+6281311112222', email: 'rudi@gmail.com', businessName: '' });
  });

  it('offers the top three for an unsure match, and browsing by group with paging', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    const menu = await c.say('lapor masalah');
    expect(menu).toEqual([t('id', 'complaint.describe')]);
    const choose = await c.say('aduh ribet banget mau beli');
    expect(choose).toEqual([t('id', 'complaint.chooseType')]);
    expect(await c.say('lihat per kelompok')).toEqual([t('id', 'complaint.chooseGroup')]);
    // Transaksi (group 5) has 15 types: a first page of 8, then the rest.
    expect(await c.say('kelompok 5')).toEqual([t('id', 'complaint.chooseInGroup', { group: 'Transaksi' })]);
    const page2 = await c.engine.step({ conversationKey: c.key, channel: c.channel, conversationId: c.conversationId, messageId: 'p2', event: eventFromText('berikutnya') });
    expect(page2.replies[0]!.choices!.map((x) => x.value)).toEqual(['tipe 31', 'tipe 32', 'tipe 33', 'tipe 34', 'tipe 35', 'tipe 36', 'tipe 37', 'kembali']);
    const form = await c.say('tipe 36');
    expect(form).toEqual([t('id', 'complaint.intro'), q('name')]);
    expect((await c.context()).complaint?.catalogNumber).toBe(36);
  });

  it('marks account take-over urgent and puts it in the officers\' queue at once, the form going on meanwhile', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await c.say('akun saya diretas orang, saldo hilang');
    const urgent = await c.say('ya');
    expect(urgent.slice(0, 3)).toEqual([t('id', 'complaint.urgent'), t('id', 'officer.queuedUrgent', { position: 1 }), t('id', 'officer.continueForm')]);
    expect(await c.handoffs.openOf(c.key)).toMatchObject({ status: 'waiting', reason: 'urgent' });
    expect(await c.say('petugas')).toEqual([t('id', 'officer.stillQueued', { position: 1 }), t('id', 'officer.continueForm')]);
    expect((await c.context()).officerRequested).toBe(true);
    await giveContact(c);
    await c.say('lewati');
    await c.say('kirim');
    expect(services.filed[0]).toMatchObject({ catalogNumber: 18, priority: 'urgent' });
  });

  it('offers the contact data of an earlier ticket instead of asking again', async () => {
    const services = new FakeServices();
    const c = new Conversation(services);
    await c.say('transfer bank gagal');
    await c.say('ya');
    await giveContact(c);
    await c.say('lewati');
    await c.say('kirim');
    await c.say('lapor masalah');
    const prefill = await c.say('bayar pakai transfer lagi2 gagal');
    expect(prefill).toEqual([t('id', 'complaint.confirmType', { label: label(26) })]);
    const offer = await c.say('ya');
    expect(offer[0]).toContain('Rudi Hartono');
    expect(offer[0]).toContain(t('id', 'complaint.prefillQuestion'));
    const screenshot = await c.say('ya');
    expect(screenshot).toEqual([t('id', 'complaint.screenshotQuestion')]);
  });

  it('answers promo questions, outages and unplaceable text without inventing anything', async () => {
    const c = new Conversation(new FakeServices());
    expect(await c.say('promo lebaran ceria masih ada?')).toEqual([t('id', 'promo.ended')]);
    expect(await c.say('listrik padam dari tadi pagi')).toEqual([t('id', 'scope.outOfScope')]);
    expect(await c.say('qwerty zzz')).toEqual([t('id', 'welcome.notUnderstood')]);
  });
});

describe('follow-ups on earlier reports', () => {
  async function fileOne(services: FakeServices, conversationId = 'owner') {
    const c = new Conversation(services, undefined, 'whatsapp', conversationId);
    await c.say('transfer bank gagal');
    await c.say('ya');
    await giveContact(c);
    await c.say('lewati');
    await c.say('kirim');
    return c;
  }

  it('shows the owner the status and the support team\'s latest answer', async () => {
    const services = new FakeServices();
    const c = await fileOne(services);
    services.replies.set('ITSM-20261124-00001', { text: 'Dana sedang kami cek ke bank.', at: '2026-11-25T03:00:00.000Z' });
    const shown = await c.say('gimana laporan saya ITSM-20261124-00001 ?');
    expect(shown[0]).toContain(t('id', 'status.show', { number: 'ITSM-20261124-00001', status: 'Open', type: '26' }));
    expect(shown[0]).toContain('Dana sedang kami cek ke bank.');
    expect(await c.say('sudah')).toEqual([t('id', 'status.thanks')]);
  });

  it('asks a stranger to prove ownership, and refuses when the data does not match', async () => {
    const services = new FakeServices();
    await fileOne(services);
    const stranger = new Conversation(services, undefined, 'whatsapp', 'someone-else');
    expect(await stranger.say('cek itsm 20261124 00001')).toEqual([t('id', 'status.verify', { number: 'ITSM-20261124-00001' })]);
    expect(await stranger.say('0899 9999 9999')).toEqual([t('id', 'status.notOwner', { number: 'ITSM-20261124-00001' })]);
    const owner = new Conversation(services, undefined, 'messenger', 'owner-on-messenger');
    await owner.say('ITSM-20261124-00001');
    const shown = await owner.say('rudi@gmail.com');
    expect(shown[0]).toContain('ITSM-20261124-00001');
    expect(await owner.say('ITSM-20990101-00009')).toEqual([t('id', 'status.notFound', { number: 'ITSM-20990101-00009' })]);
  });

  it('files a follow-up ticket that names the earlier number when the answer did not settle it, after an explicit yes', async () => {
    const services = new FakeServices();
    const c = await fileOne(services);
    services.replies.set('ITSM-20261124-00001', { text: 'Dana sedang kami cek ke bank.', at: '2026-11-25T03:00:00.000Z' });
    await c.say('cek status');
    expect(await c.say('belum')).toEqual([t('id', 'status.refileDescribe', { number: 'ITSM-20261124-00001' })]);
    const confirm = await c.say('uangnya sudah 5 hari belum kembali');
    expect(confirm[0]).toContain(t('id', 'status.confirmRefile', { number: 'ITSM-20261124-00001', text: 'uangnya sudah 5 hari belum kembali' }));
    expect(services.filed).toHaveLength(1);
    const refiled = await c.say('ya');
    expect(refiled).toEqual([t('id', 'status.refiled', { number: 'ITSM-20261124-00002', previous: 'ITSM-20261124-00001', phone: '0813-1111-2222', email: 'rudi@gmail.com' })]);
    expect(services.filed[1]).toMatchObject({ kind: 'refile', previousNumber: 'ITSM-20261124-00001', catalogNumber: 26, description: 'uangnya sudah 5 hari belum kembali' });
  });

  it('files nothing again for a report the support team has not answered yet', async () => {
    const services = new FakeServices();
    const c = await fileOne(services);
    const shown = await c.say('cek status');
    expect(shown.join('\n')).toContain(t('id', 'status.unanswered', { date: new Date().toISOString().slice(0, 10) }));
    expect(await c.say('belum ada kabar')).toEqual([t('id', 'status.stillWaiting', { number: 'ITSM-20261124-00001' })]);
    expect(services.filed).toHaveLength(1);
  });

  it('asks for the number when the customer has no report in this conversation', async () => {
    const c = new Conversation(new FakeServices());
    expect(await c.say('cek status')).toEqual([t('id', 'status.askNumber')]);
    expect(await c.say('batal')).toEqual([t('id', 'common.cancelled')]);
  });
});
