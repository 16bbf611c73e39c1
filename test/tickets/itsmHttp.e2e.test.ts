import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/messages.js';
import type { FakeGraph } from '../support/fakeGraph.js';
import { FakeItsm } from '../support/fakeItsm.js';
import { fetchTicket, startFakeGraph, startMetaService, tempDataDir, type RunningService } from '../support/metaService.js';
import { MetaUser, said, texts } from '../support/metaUser.js';
import { productJpeg } from '../support/photos.js';

/**
 * The real ITSM/APKT over HTTP (a fake on loopback speaking the adapter's contract): tickets filed
 * there with their numbers; while it is down the applicant is told the request is recorded and
 * gets the number in a message once it is filed, exactly once.
 */

let graph: FakeGraph;
let itsm: FakeItsm;
let run: RunningService;
let photo: Buffer;
const dataDir = tempDataDir();

beforeAll(async () => {
  graph = await startFakeGraph();
  itsm = await FakeItsm.start();
  run = await startMetaService(graph, dataDir, {
    ITSM_URL: `${itsm.url}/itsm`,
    APKT_URL: `${itsm.url}/apkt`,
    ITSM_TOKEN: 'itsm-secret',
    APKT_TOKEN: 'apkt-secret',
    TICKETING_TIMEOUT_MS: '300',
    // The test drives the retrier itself (kick); keep the timer out of the way.
    OUTBOX_RETRY_BASE_MS: '600000',
  });
  photo = await productJpeg(800, 600);
});
afterAll(async () => {
  await run.stop();
  await itsm.close();
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function applyUpToSubmit(user: MetaUser): Promise<void> {
  await user.say('daftar seller');
  for (const answer of ['Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com']) await user.say(answer);
  await user.sendImage(photo);
}

const doneText = (number: string) => said('whatsapp', 'seller.done', { number, phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' });

describe('filing in the real ITSM and APKT', () => {
  it('files there, with the idempotency key and the token, and tells the applicant the ITSM number', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281600000001');
    await applyUpToSubmit(user);
    const replies = await user.say('kirim');
    const [filing] = [...itsm.itsm.values()];
    expect(filing).toMatchObject({ token: 'Bearer itsm-secret', body: { callType: 'Service Request', serviceType: '07. Melakukan Registrasi Toko Marketplace', receivingOfficer: 'chatbot.pln123' } });
    expect(replies).toEqual([doneText(filing!.number)]);
    expect([...itsm.apkt.values()][0]).toMatchObject({ idempotencyKey: filing!.number, token: 'Bearer apkt-secret', body: { itsmNumber: filing!.number } });
    // The record is kept locally for status look-ups, under the ITSM's own number.
    expect((await fetchTicket(run.url, filing!.number)).body).toMatchObject({ number: filing!.number, apkt: { number: [...itsm.apkt.values()][0]!.number } });
  });

  it('while the ITSM is down: "recorded", then the number in a message once it is filed, exactly once', async () => {
    itsm.down = true;
    const user = new MetaUser(run, graph, 'whatsapp', '6281600000002');
    await applyUpToSubmit(user);
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.queued')]);
    // A nervous second "kirim" files nothing and does not queue twice.
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.alreadyQueued')]);

    await run.service.outbox.kick();
    expect(user.newSends()).toEqual([]);
    const keysBefore = itsm.itsm.size;

    itsm.down = false;
    await run.service.outbox.kick();
    const late = texts(user.newSends());
    const number = [...itsm.itsm.values()].at(-1)!.number;
    expect(late).toEqual([doneText(number)]);
    expect(itsm.itsm.size).toBe(keysBefore + 1);

    await run.service.outbox.kick();
    await run.service.outbox.kick();
    expect(user.newSends()).toEqual([]);
    // Asking for the status later finds the ticket filed from this conversation.
    expect((await user.say('cek status'))[0]).toContain(number);
  });

  it('a request that timed out but did arrive is not filed twice when retried', async () => {
    itsm.delayMs = 1000;
    const user = new MetaUser(run, graph, 'whatsapp', '6281600000003');
    await applyUpToSubmit(user);
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.queued')]);
    const arrived = itsm.itsm.size;
    itsm.delayMs = 0;
    await run.service.outbox.kick();
    expect(itsm.itsm.size).toBe(arrived);
    expect(texts(user.newSends())).toEqual([doneText([...itsm.itsm.values()].at(-1)!.number)]);
  });

  it('a request recorded while the ITSM was down and then refused (HTTP 400): the applicant is told, once, that an officer follows it up', async () => {
    itsm.down = true;
    const user = new MetaUser(run, graph, 'whatsapp', '6281600000005');
    await applyUpToSubmit(user);
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.queued')]);
    itsm.down = false;
    itsm.refuseWith = 400;
    try {
      await run.service.outbox.kick(); // refused: given up (a dead letter)
      await run.service.outbox.kick();
      const told = texts(user.newSends());
      expect(told).toEqual([said('whatsapp', 'filing.givenUp', { phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' })]);
      await run.service.outbox.kick();
      expect(user.newSends()).toEqual([]);
    } finally {
      itsm.refuseWith = null;
    }
  });

  it('a refusal (HTTP 400) is not "recorded": the applicant can try again, nothing is promised', async () => {
    itsm.refuseWith = 400;
    const user = new MetaUser(run, graph, 'whatsapp', '6281600000004');
    await applyUpToSubmit(user);
    expect(await user.say('kirim')).toEqual([said('whatsapp', 'seller.submitFailed')]);
    itsm.refuseWith = null;
    expect((await user.say('kirim'))[0]).toContain(t('id', 'seller.done', { number: [...itsm.itsm.values()].at(-1)!.number, phone: '0812-3456-7890', email: 'budi.santoso@gmail.com' }).slice(0, 40));
  });
});
