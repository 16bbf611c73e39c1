import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { t } from '../../src/i18n/messages.js';
import { tempDir } from '../dialogs/harness.js';
import { BotClient } from './botClient.js';

const TOKEN = 'test-token-123';

async function startService(dataDir: string): Promise<{ service: Service; url: string }> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, TICKETS_API_TOKEN: TOKEN, LOG_LEVEL: 'silent' });
  const service = createService(config, createLogger('silent'));
  const port = await service.start();
  return { service, url: `http://127.0.0.1:${port}` };
}

async function productPhotoDataUrl(): Promise<string> {
  const jpeg = await sharp({ create: { width: 900, height: 700, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

describe('seller application over /api/messages (expectReplies)', () => {
  const dataDir = tempDir();
  let service: Service;
  let url: string;

  beforeAll(async () => {
    ({ service, url } = await startService(dataDir));
  });
  afterAll(async () => {
    await service.stop();
  });

  it('answers health and readiness checks', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('runs a whole application with a photo and files the SOP ticket', async () => {
    const user = new BotClient(url);
    const intro = await user.say('Halo kak, saya mau daftar jadi seller di marketplace');
    expect(intro).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
    await user.say('siti aminah');
    await user.say('Batik Tulis Bu Siti');
    await user.say('kain batik');
    // Kota Yogyakarta determines the province: it is said, and not asked.
    expect(await user.say('yogyakarta')).toEqual([
      t('id', 'fields.province.fromCity', { city: 'Kota Yogyakarta', province: 'DI Yogyakarta' }),
      t('id', 'fields.phone.question'),
    ]);
    await user.say('+62 857 1234 5678');
    expect(await user.say('siti.aminah@yahoo.co.id')).toEqual([t('id', 'seller.photo.questionOptional')]);

    const photo = await user.send('', { attachments: [{ contentType: 'image/jpeg', contentUrl: await productPhotoDataUrl(), name: 'batik.jpg' }] });
    expect(photo.replies[0]!.text).toBe(t('id', 'seller.photo.received'));
    const summary = photo.replies[1]!;
    expect(summary.text).toContain('DI Yogyakarta');
    expect(summary.text).toContain('0857-1234-5678');
    expect(summary.suggestedActions?.actions.map((a) => a.value)).toEqual(['kirim', 'ubah', 'batal']);

    const done = await user.say('kirim');
    const number = /ITSM-\d{8}-\d{5}/.exec(done[0] ?? '')?.[0];
    expect(number).toBeDefined();
    expect(done[0]).toContain('0857-1234-5678');
    expect(done[0]).toContain('siti.aminah@yahoo.co.id');

    const res = await fetch(`${url}/api/tickets/${number}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const ticket = (await res.json()) as Record<string, unknown>;
    expect(ticket).toMatchObject({
      number,
      callType: 'Service Request',
      serviceFamily: '32. NEW PLN MOBILE',
      serviceGroup: '12. REGISTRASI PLN MOBILE - MA',
      serviceType: '07. Melakukan Registrasi Toko Marketplace',
      officer: 'chatbot.pln123',
      channel: 'bf:emulator',
      applicant: {
        name: 'Siti Aminah',
        businessName: 'Batik Tulis Bu Siti',
        productType: 'kain batik',
        city: 'Kota Yogyakarta',
        province: 'DI Yogyakarta',
        phone: '+6285712345678',
        email: 'siti.aminah@yahoo.co.id',
      },
      previousNumber: null,
      status: 'Open',
      apkt: { category: 'Keluhan', complaintType: 'Informasi', subType: 'Umum', itsmNumber: number },
    });
    const photoMeta = ticket.photo as { sha256: string; width: number; height: number; mimeType: string };
    expect(photoMeta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([photoMeta.width, photoMeta.height]).toEqual([900, 700]);
    expect(typeof ticket.createdAt).toBe('string');

    expect((await fetch(`${url}/api/tickets/${number}`)).status).toBe(401);
    expect((await fetch(`${url}/api/tickets/ITSM-20000101-00001`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('drops a redelivered activity id and files one ticket for a doubled confirmation', async () => {
    const user = new BotClient(url);
    await user.say('daftar');
    for (const a of ['Andi Wijaya', 'Kopi Andi', 'kopi bubuk', 'Medan', 'sumut', '081311112222', 'andi@outlook.com', 'lewati']) await user.say(a);
    const first = await user.say('kirim', { id: 'confirm-xyz' });
    expect(first[0]).toMatch(/ITSM-\d{8}-\d{5}/);
    expect(await user.say('kirim', { id: 'confirm-xyz' })).toEqual([]);
    const again = await user.say('kirim');
    const number = /ITSM-\d{8}-\d{5}/.exec(first[0]!)![0];
    expect(again).toEqual([t('id', 'seller.alreadyFiled', { number })]);
    const res = await fetch(`${url}/api/tickets/${number}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('rejects a malformed activity with 400 and never crashes', async () => {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": ' });
    expect(res.status).toBe(400);
    const res2 = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'world' }) });
    expect(res2.status).toBe(400);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('resumes the conversation at the same question after a restart', async () => {
    const dir = tempDir();
    const { service: s1, url: u1 } = await startService(dir);
    const user = new BotClient(u1, 'restart-conv');
    await user.say('daftar');
    await user.say('Rina Kartika');
    await s1.stop();
    const { service: s2, url: u2 } = await startService(dir);
    const resumed = new BotClient(u2, 'restart-conv');
    expect(await resumed.say('Rina Craft')).toEqual([t('id', 'fields.productType.question')]);
    await s2.stop();
  });
});
