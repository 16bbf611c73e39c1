import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/messages.js';
import { choicesOf, textOf, type FakeGraph, type SendBody } from '../../support/fakeGraph.js';
import { wa } from '../../support/metaWebhooks.js';
import { fetchTicket, startFakeGraph, startMetaService, type RunningService } from '../../support/metaService.js';
import { MetaUser, texts } from '../../support/metaUser.js';
import { productJpeg } from '../../support/photos.js';

/**
 * The seller application as a WhatsApp Flow, end to end: the real service with WHATSAPP_FLOW_ID,
 * signed webhooks in (the form's answer as an nfm_reply, shaped as Meta's webhook reference shows
 * it), the messages it sends read from the fake Graph API.
 */

const FLOW_ID = '1187654321098765';
const ITSM = /ITSM-\d{8}-\d{5}/;
const FORM = {
  name: 'Budi Santoso',
  business_name: 'Keripik Bu Sri',
  product_type: 'makanan ringan',
  city: 'Kepanjen',
  province: '35',
  phone: '081234567890',
  email: 'budi.santoso@gmail.com',
};

let graph: FakeGraph;
let run: RunningService;
let photo: Buffer;

beforeAll(async () => {
  graph = await startFakeGraph();
  run = await startMetaService(graph, undefined, { WHATSAPP_FLOW_ID: FLOW_ID });
  photo = await productJpeg(1200, 900);
});
afterAll(async () => {
  await run.stop();
  await graph.close();
  fs.rmSync(run.dataDir, { recursive: true, force: true });
});

const flowOf = (sends: SendBody[]) => sends.find((s) => s.interactive?.type === 'flow');

/** Starts an application; returns the sends and the form's flow_token. */
async function start(user: MetaUser): Promise<{ sends: SendBody[]; token: string }> {
  const sends = await user.post(user.text('mau daftar jadi seller'));
  const token = flowOf(sends)?.interactive?.action?.parameters?.flow_token;
  if (typeof token !== 'string') throw new Error(`no Flow sent: ${JSON.stringify(sends)}`);
  return { sends, token };
}

describe('the seller application as a WhatsApp Flow', () => {
  it('sends the explanation, the form (prefilled, in the conversation language) and the chat alternative; a complete answer takes four actions to the ITSM number', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281234567890', 'Budi Santoso');
    const { sends, token } = await start(user);
    expect(sends).toHaveLength(3);
    expect(sends[0]).toMatchObject({ type: 'text', text: { body: t('id', 'seller.intro') } });
    const flow = sends[1]!;
    expect(flow.interactive?.action?.name).toBe('flow');
    const parameters = flow.interactive?.action?.parameters as Record<string, unknown> & { flow_action_payload: { screen: string; data: Record<string, unknown> } };
    expect(parameters).toMatchObject({ flow_message_version: '3', flow_id: FLOW_ID, flow_cta: t('id', 'seller.flow.cta'), flow_action: 'navigate' });
    expect(parameters.flow_action_payload.screen).toBe('APPLICATION');
    expect(parameters.flow_action_payload.data).toMatchObject({ name_label: t('id', 'seller.flow.nameLabel'), name_init: 'Budi Santoso', phone_init: '081234567890' });
    expect(parameters.flow_action_payload.data.provinces).toHaveLength(38);
    // The token names nothing personal.
    expect(token).not.toContain('6281234567890');
    expect(textOf(flow)).not.toContain(t('id', 'fields.name.question'));
    expect(choicesOf(sends[2]!).map((c) => c.title)).toEqual([t('id', 'seller.flow.chatInstead')]);

    // 1–2: the form opened and sent.
    expect(texts(await user.post(wa.flowReply(user.userId, { flow_token: token, ...FORM })))).toEqual([t('id', 'seller.flow.received'), t('id', 'seller.photo.questionRequired')]);
    // 3: the photo.
    const afterPhoto = await user.sendImage(photo);
    expect(textOf(afterPhoto.at(-1)!)).toContain('Keripik Bu Sri');
    // 4: confirmed.
    const done = texts(await user.tap('Kirim'));
    const number = ITSM.exec(done.join('\n'))?.[0];
    expect(number).toBeDefined();
    const { body: ticket } = await fetchTicket(run.url, number!);
    // Filed with the SOP's classification of a seller application.
    expect(ticket).toMatchObject({ callType: 'Service Request', serviceFamily: '32. NEW PLN MOBILE', serviceGroup: '12. REGISTRASI PLN MOBILE - MA', serviceType: '07. Melakukan Registrasi Toko Marketplace', channel: 'whatsapp' });
    expect(ticket.applicant).toEqual({ name: 'Budi Santoso', businessName: 'Keripik Bu Sri', productType: 'makanan ringan', city: 'Kepanjen', province: 'Jawa Timur', phone: '+6281234567890', email: 'budi.santoso@gmail.com' });

    // The officers' transcript shows the submission as its fields, not an empty message.
    const db = new Database(path.join(run.dataDir, 'pln123.sqlite'), { readonly: true });
    const lines = db.prepare("SELECT text FROM transcript WHERE conversation_key = ? AND sender = 'customer'").all('whatsapp:6281234567890') as Array<{ text: string }>;
    db.close();
    const submission = lines.find((l) => l.text.startsWith(t('id', 'seller.flow.transcriptHeading')));
    expect(submission?.text).toContain(`${t('id', 'fields.businessName.label')}: Keripik Bu Sri`);
    expect(submission?.text).toContain(`${t('id', 'fields.province.label')}: Jawa Timur`);

    // The same answer again (a replay) files nothing and is told so.
    expect(texts(await user.post(wa.flowReply(user.userId, { flow_token: token, ...FORM, name: 'Orang Lain' })))[0]).toBe(t('id', 'seller.flow.stale'));
  });

  it('asks about an email typo and a landline in the chat, one after the other', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281234500001', 'Siti');
    const { token } = await start(user);
    const first = texts(await user.post(wa.flowReply(user.userId, { flow_token: token, ...FORM, phone: '021-555-1234', email: 'siti@gmial.com' })));
    expect(first[0]).toBe(t('id', 'seller.flow.received'));
    expect(first.join('\n')).toContain('siti@gmail.com');
    const [reason, question] = texts(await user.tap('Ya'));
    expect(reason).toBe(t('id', 'fields.phone.errors.landline'));
    // With the sender's own WhatsApp number offered as a one-tap answer.
    expect(question).toContain(t('id', 'fields.phone.question'));
    expect(question).toContain(t('id', 'seller.defaults.phone'));
  });

  it("refuses another number's token, and a forged one, as forms no longer valid", async () => {
    const owner = new MetaUser(run, graph, 'whatsapp', '6281234500002', 'Andi');
    const { token } = await start(owner);
    const other = new MetaUser(run, graph, 'whatsapp', '6281234500003', 'Rudi');
    await other.post(other.text('mau daftar jadi seller'));
    expect(texts(await other.post(wa.flowReply(other.userId, { flow_token: token, ...FORM })))[0]).toBe(t('id', 'seller.flow.stale'));
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(texts(await owner.post(wa.flowReply(owner.userId, { flow_token: forged, ...FORM })))[0]).toBe(t('id', 'seller.flow.stale'));
    // The owner's own token still works.
    expect(texts(await owner.post(wa.flowReply(owner.userId, { flow_token: token, ...FORM })))[0]).toBe(t('id', 'seller.flow.received'));
  });

  it('"Lewat chat saja": the questions in the chat', async () => {
    const user = new MetaUser(run, graph, 'whatsapp', '6281234500004', 'Dewi');
    await start(user);
    const asked = await user.tap(t('id', 'seller.flow.chatInstead'));
    expect(textOf(asked.at(-1)!)).toContain(t('id', 'fields.name.question'));
  });
});
