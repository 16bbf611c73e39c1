import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { t } from '../../src/i18n/messages.js';
import { typeLabel } from '../../dialogs/complaint.js';
import { tempDir } from '../dialogs/harness.js';
import { BotClient } from './botClient.js';

const TOKEN = 'complaints-token';
const itsmIn = (texts: string[]) => /ITSM-\d{8}-\d{5}/.exec(texts.join('\n'))?.[0];

/** Transcripts of SOP section 2 (complaints) and 1f (follow-ups) over /api/messages, with the real classifier. */
describe('complaints and follow-ups over /api/messages', () => {
  let service: Service;
  let url: string;
  const ticket = async (number: string) => {
    const res = await fetch(`${url}/api/tickets/${number}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const contact = async (user: BotClient, name = 'Rudi Hartono', phone = '0813 1111 2222', email = 'rudi.h@gmail.com') => {
    await user.say(name);
    await user.say(phone);
    return user.say(email);
  };

  beforeAll(async () => {
    service = createService(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), TICKETS_API_TOKEN: TOKEN, LOG_LEVEL: 'silent' }), createLogger('silent'));
    url = `http://127.0.0.1:${await service.start()}`;
  });
  afterAll(() => service.stop());

  it('a confident complaint: one-tap confirmation, contact data, ticket under the matched type', async () => {
    const user = new BotClient(url);
    const first = await user.say('saya sudah bayar pakai transfer bank tapi gagal terus');
    expect(first).toEqual([t('id', 'complaint.confirmType', { label: typeLabel(26) })]);
    expect(await user.say('ya')).toEqual([t('id', 'complaint.intro'), t('id', 'fields.name.question')]);
    expect(await contact(user)).toEqual([t('id', 'complaint.screenshotQuestion')]);
    const summary = await user.say('lewati');
    expect(summary[0]).toContain(typeLabel(26));
    const done = await user.say('kirim');
    const number = itsmIn(done)!;
    expect(done[0]).toBe(t('id', 'complaint.done', { number, phone: '0813-1111-2222', email: 'rudi.h@gmail.com' }));
    expect(await ticket(number)).toMatchObject({
      callType: 'Incident',
      serviceFamily: 'PLN Mobile - Marketplace',
      serviceGroup: 'Transaksi',
      serviceType: typeLabel(26),
      catalogNumber: 26,
      description: 'saya sudah bayar pakai transfer bank tapi gagal terus',
      priority: 'normal',
      previousNumber: null,
      apkt: { category: 'Keluhan', complaintType: 'Informasi', subType: 'Umum', itsmNumber: number },
    });
  });

  it('an ambiguous complaint resolved by browsing the groups, page by page', async () => {
    const user = new BotClient(url);
    expect(await user.say('lapor masalah')).toEqual([t('id', 'complaint.describe')]);
    const guess = await user.say('aduh ribet banget deh pokoknya');
    // Unsure: either a confirmation to decline or the top three; both lead to the groups.
    if (guess[0]!.startsWith(t('id', 'complaint.confirmType', { label: '' }).slice(0, 20))) {
      expect(await user.say('bukan')).toEqual([t('id', 'complaint.chooseType')]);
    } else {
      expect(guess).toEqual([t('id', 'complaint.chooseType')]);
    }
    expect(await user.say('kelompok')).toEqual([t('id', 'complaint.chooseGroup')]);
    const page1 = await user.send('kelompok 5');
    expect(page1.replies[0]!.suggestedActions!.actions.map((a) => a.value)).toEqual([
      'tipe 23', 'tipe 24', 'tipe 25', 'tipe 26', 'tipe 27', 'tipe 28', 'tipe 29', 'tipe 30', 'berikutnya', 'kembali',
    ]);
    const page2 = await user.send('berikutnya');
    expect(page2.replies[0]!.suggestedActions!.actions.map((a) => a.value)).toContain('tipe 36');
    expect(await user.say('tipe 36')).toEqual([t('id', 'complaint.intro'), t('id', 'fields.name.question')]);
    await contact(user, 'Sari Dewi', '0812 2222 3333', 'sari.dewi@yahoo.co.id');
    await user.say('lewati');
    const number = itsmIn(await user.say('kirim'))!;
    expect(await ticket(number)).toMatchObject({ catalogNumber: 36, serviceType: typeLabel(36) });
  });

  it('an urgent security report: priority, officer offered at once', async () => {
    const user = new BotClient(url);
    expect(await user.say('akun saya dibajak orang, saldo hilang')).toEqual([t('id', 'complaint.confirmType', { label: typeLabel(18) })]);
    const urgent = await user.say('ya');
    expect(urgent[0]).toBe(t('id', 'complaint.urgent'));
    await contact(user);
    await user.say('lewati');
    const number = itsmIn(await user.say('kirim'))!;
    expect(await ticket(number)).toMatchObject({ catalogNumber: 18, priority: 'urgent', serviceGroup: 'Keamanan Akun' });
  });

  it('status by number for the owner and a stranger, and a re-filing linked to the earlier number', async () => {
    const owner = new BotClient(url);
    await owner.say('pendaftaran toko saya belum diverifikasi sudah seminggu');
    await owner.say('ya');
    await contact(owner, 'Budi Santoso', '0812-3456-7890', 'budi.santoso@gmail.com');
    await owner.say('lewati');
    const number = itsmIn(await owner.say('kirim'))!;

    const stranger = new BotClient(url);
    expect(await stranger.say(`tolong cek ${number.toLowerCase()}`)).toEqual([t('id', 'status.verify', { number })]);
    expect(await stranger.say('orang@lain.com')).toEqual([t('id', 'status.notOwner', { number })]);

    // Not answered by the support team yet: its status, no time promised, nothing filed again.
    const waiting = await owner.say(`gimana kabar laporan ${number}?`);
    expect(waiting[0]).toContain(t('id', 'status.show', { number, status: 'Open', type: typeLabel(7) }));
    expect(waiting.join('\n')).toContain(t('id', 'status.unanswered', { date: new Date().toISOString().slice(0, 10) }));
    expect(await owner.say('belum ada kabar')).toEqual([t('id', 'status.stillWaiting', { number })]);

    // Answered, and the answer did not settle it: the follow-up after an explicit yes.
    const reply = await fetch(`${url}/api/tickets/${number}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Toko Anda sudah kami aktifkan.', author: 'support.mp1' }),
    });
    expect(reply.status).toBe(200);
    const shown = await owner.say(`gimana kabar laporan ${number}?`);
    expect(shown[0]).toContain('Toko Anda sudah kami aktifkan.');
    expect(await owner.say('belum')).toEqual([t('id', 'status.refileDescribe', { number })]);
    const confirm = await owner.say('toko saya masih belum aktif, mohon dibantu');
    expect(confirm[0]).toContain(t('id', 'status.confirmRefile', { number, text: 'toko saya masih belum aktif, mohon dibantu' }));
    expect(itsmIn(confirm)).toBe(number);
    const refiled = await owner.say('ya');
    const newNumber = itsmIn(refiled)!;
    expect(newNumber).not.toBe(number);
    expect(await ticket(newNumber)).toMatchObject({ previousNumber: number, catalogNumber: 7, description: 'toko saya masih belum aktif, mohon dibantu' });
  });

  it('answers the promo, outages and unknown text politely', async () => {
    const user = new BotClient(url);
    expect(await user.say('promo lebaran ceria tambah daya masih ada ga?')).toEqual([t('id', 'promo.ended')]);
    expect(await user.say('listrik di rumah padam dari tadi pagi')).toEqual([t('id', 'scope.outOfScope')]);
  });
});
