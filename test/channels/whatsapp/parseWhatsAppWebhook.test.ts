import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/channels/meta/types.js';
import { parseWhatsAppWebhook } from '../../../src/channels/whatsapp/parseWhatsAppWebhook.js';
import {
  audioMessage,
  BSUID,
  buttonReplyMessage,
  contact,
  contactsMessage,
  DISPLAY_PHONE_NUMBER,
  documentMessage,
  entry,
  imageMessage,
  listReplyMessage,
  locationMessage,
  MEDIA_ID,
  MEDIA_URL,
  message,
  messagesChange,
  OTHER_PHONE_NUMBER_ID,
  OUR_WAMID,
  RE_ENGAGEMENT_ERROR,
  PHONE_NUMBER_ID,
  reactionMessage,
  single,
  status,
  stickerMessage,
  systemMessage,
  T0,
  templateButtonMessage,
  textMessage,
  THROUGHPUT_ERROR,
  unsupportedMessage,
  USER,
  USER_2,
  value,
  videoMessage,
  wamid,
  webhook,
} from './fixtures.js';

const parse = (body: unknown) => parseWhatsAppWebhook(body, { phoneNumberId: PHONE_NUMBER_ID });

/** The InboundMessage every single-message fixture maps to, with its content. */
const inbound = (content: InboundMessage['content'], extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: 'whatsapp',
  accountId: PHONE_NUMBER_ID,
  userId: USER,
  messageId: wamid(1),
  timestamp: T0 * 1000,
  profileName: 'Budi Santoso',
  content,
  ...extra,
});

describe('parseWhatsAppWebhook: the envelope', () => {
  it.each([
    ['null', null],
    ['a string', 'just a string'],
    ['an array', [1, 2, 3]],
    ['an empty object', {}],
    ['a Messenger envelope', { object: 'page', entry: [] }],
    ['an Instagram envelope', { object: 'instagram', entry: [] }],
    ['entry not an array', { object: 'whatsapp_business_account', entry: {} }],
    ['no entry', { object: 'whatsapp_business_account' }],
  ])('returns null for %s', (_name, body) => {
    expect(parse(body)).toBeNull();
  });

  it('accepts an empty entry list and unknown fields at every level', () => {
    expect(parse({ object: 'whatsapp_business_account', entry: [] })).toEqual({ messages: [], ignored: 0 });
    const body = single(textMessage('halo'));
    const withExtras = {
      ...body,
      extra: true,
      entry: body.entry.map((e) => ({ ...e, time: 1, changes: e.changes.map((c) => ({ ...c, newField: 'x', value: { ...c.value, brand_new: [1] } })) })),
    };
    expect(parse(withExtras)).toEqual({ messages: [inbound({ kind: 'text', text: 'halo' })], ignored: 0 });
  });

  it('counts a malformed entry, change or value as ignored and keeps the rest', () => {
    const good = entry(messagesChange(value({ contacts: [contact(USER, 'Budi Santoso')], messages: [textMessage('halo')] })));
    const body = {
      object: 'whatsapp_business_account',
      entry: [42, { id: 'x', changes: ['nope', { field: 'messages', value: { no: 'metadata' } }] }, good],
    };
    expect(parse(body)).toEqual({ messages: [inbound({ kind: 'text', text: 'halo' })], ignored: 3 });
  });
});

describe('parseWhatsAppWebhook: message types', () => {
  it('text', () => {
    expect(parse(single(textMessage('Mau daftar seller dong 😊 é')))).toEqual({
      messages: [inbound({ kind: 'text', text: 'Mau daftar seller dong 😊 é' })],
      ignored: 0,
    });
  });

  it('image without url, with a base64 sha256 and a caption', () => {
    expect(parse(single(imageMessage({ caption: 'Foto KTP saya' })))).toEqual({
      messages: [
        inbound({ kind: 'media', media: { kind: 'whatsappMedia', id: MEDIA_ID, mimeType: 'image/jpeg' }, declaredType: 'image/jpeg', caption: 'Foto KTP saya' }),
      ],
      ignored: 0,
    });
  });

  it('image with the newer url field (not used: the id is what we fetch) and no caption', () => {
    const parsed = parse(single(imageMessage({ url: MEDIA_URL, mime_type: 'image/png' })));
    expect(parsed).toEqual({
      messages: [inbound({ kind: 'media', media: { kind: 'whatsappMedia', id: MEDIA_ID, mimeType: 'image/png' }, declaredType: 'image/png' })],
      ignored: 0,
    });
    expect(parsed?.messages[0]?.content).not.toHaveProperty('caption');
  });

  it('a document, whatever it holds, is not a photo: answered as unsupported, never downloaded', () => {
    expect(parse(single(documentMessage()))).toEqual({ messages: [inbound({ kind: 'unsupported', what: 'document' })], ignored: 0 });
    expect(parse(single(documentMessage({ mime_type: 'image/jpeg', filename: 'IMG_2041.jpg', caption: 'ini fotonya' })))?.messages[0]?.content).toEqual({ kind: 'unsupported', what: 'document' });
  });

  it('interactive button_reply', () => {
    expect(parse(single(buttonReplyMessage('confirm.yes', 'Ya, benar')))).toEqual({
      messages: [inbound({ kind: 'choice', value: 'confirm.yes', title: 'Ya, benar' })],
      ignored: 0,
    });
  });

  it('interactive list_reply', () => {
    expect(parse(single(listReplyMessage('field.city', 'Kota/Kabupaten', 'Ubah kota usaha')))).toEqual({
      messages: [inbound({ kind: 'choice', value: 'field.city', title: 'Kota/Kabupaten' })],
      ignored: 0,
    });
  });

  it('template quick-reply button', () => {
    expect(parse(single(templateButtonMessage('RESUME_APPLICATION', 'Lanjutkan')))).toEqual({
      messages: [inbound({ kind: 'choice', value: 'RESUME_APPLICATION', title: 'Lanjutkan' })],
      ignored: 0,
    });
  });

  it.each([
    ['sticker', stickerMessage()],
    ['audio', audioMessage()],
    ['video', videoMessage()],
    ['location', locationMessage()],
    ['contacts', contactsMessage()],
    ['unsupported', unsupportedMessage()],
    ['order', message('order', { order: { catalog_id: '1', product_items: [] } })],
    ['poll_creation', message('poll_creation', { poll_creation: { name: 'x' } })],
  ])('%s is unsupported', (what, msg) => {
    expect(parse(single(msg))).toEqual({ messages: [inbound({ kind: 'unsupported', what })], ignored: 0 });
  });

  it('an interactive reply of another kind (Flows nfm_reply) is unsupported', () => {
    const msg = message('interactive', { interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}', body: 'Sent', name: 'flow' } } });
    expect(parse(single(msg))?.messages[0]?.content).toEqual({ kind: 'unsupported', what: 'interactive' });
  });

  it('a known type whose object is malformed is unsupported, not dropped', () => {
    expect(parse(single(message('text', { text: { body: 42 } as unknown as { body: string } })))?.messages[0]?.content).toEqual({ kind: 'unsupported', what: 'text' });
    expect(parse(single(message('image', {})))?.messages[0]?.content).toEqual({ kind: 'unsupported', what: 'image' });
  });

  it('reaction, system and request_welcome are ignored', () => {
    expect(parse(single(reactionMessage()))).toEqual({ messages: [], ignored: 1 });
    expect(parse(webhook(entry(messagesChange(value({ messages: [systemMessage()] })))))).toEqual({ messages: [], ignored: 1 });
    expect(parse(single(message('request_welcome', {})))).toEqual({ messages: [], ignored: 1 });
  });

  it('a message in a group is ignored', () => {
    const inGroup = { ...textMessage('halo semua'), group_id: 'Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MToxMjAzNjMzOTk5OTk5' };
    expect(parse(single(inGroup))).toEqual({ messages: [], ignored: 1 });
  });

  it('a message without id or timestamp is ignored', () => {
    const { id: _id, ...noId } = textMessage('a');
    const { timestamp: _ts, ...noTimestamp } = textMessage('b');
    expect(parse(webhook(entry(messagesChange(value({ messages: [noId as never, noTimestamp as never, textMessage('c')] })))))).toEqual({
      messages: [{ channel: 'whatsapp', accountId: PHONE_NUMBER_ID, userId: USER, messageId: wamid(1), timestamp: T0 * 1000, content: { kind: 'text', text: 'c' } }],
      ignored: 2,
    });
  });
});

describe('parseWhatsAppWebhook: statuses and errors', () => {
  it('reads sent, delivered, read and failed statuses (with the reason) as delivery receipts, not messages; ignores change-level errors', () => {
    const body = webhook(
      entry(messagesChange(value({ statuses: [status('sent'), status('delivered')] }))),
      entry(messagesChange(value({ statuses: [status('read'), status('failed'), { id: OUR_WAMID, status: 'deleted' } as unknown as ReturnType<typeof status>] }))),
      entry(messagesChange(value({ errors: [THROUGHPUT_ERROR] }))),
    );
    expect(parse(body)).toEqual({
      messages: [],
      ignored: 6,
      receipts: [
        { messageId: OUR_WAMID, status: 'sent' },
        { messageId: OUR_WAMID, status: 'delivered' },
        { messageId: OUR_WAMID, status: 'read' },
        { messageId: OUR_WAMID, status: 'failed', error: `${RE_ENGAGEMENT_ERROR.code} ${RE_ENGAGEMENT_ERROR.title}` },
      ],
    });
  });

  it('keeps the messages of a change that also carries statuses', () => {
    const body = webhook(entry(messagesChange(value({ contacts: [contact(USER, 'Budi Santoso')], messages: [textMessage('halo')], statuses: [status('read')] }))));
    expect(parse(body)).toEqual({ messages: [inbound({ kind: 'text', text: 'halo' })], ignored: 1, receipts: [{ messageId: OUR_WAMID, status: 'read' }] });
  });
});

describe('parseWhatsAppWebhook: batches, routing and identity', () => {
  it('reads two users in two entries', () => {
    const body = webhook(
      entry(messagesChange(value({ contacts: [contact(USER, 'Ayu')], messages: [textMessage('daftar seller', { n: 1, timestamp: T0 })] }))),
      entry(messagesChange(value({ contacts: [contact(USER_2, 'Bima')], messages: [textMessage('halo', { from: USER_2, n: 2, timestamp: T0 + 1 })] }))),
    );
    expect(parse(body)).toEqual({
      messages: [
        inbound({ kind: 'text', text: 'daftar seller' }, { profileName: 'Ayu' }),
        inbound({ kind: 'text', text: 'halo' }, { userId: USER_2, messageId: wamid(2), timestamp: (T0 + 1) * 1000, profileName: 'Bima' }),
      ],
      ignored: 0,
    });
  });

  it('reads two users in one change, matching each contact by wa_id, and sorts by timestamp (stable)', () => {
    const body = webhook(
      entry(
        messagesChange(
          value({
            contacts: [contact(USER, 'Ayu'), contact(USER_2, 'Bima')],
            messages: [
              textMessage('ketiga', { n: 3, timestamp: T0 + 5 }),
              textMessage('pertama', { from: USER_2, n: 1, timestamp: T0 }),
              textMessage('kedua', { n: 2, timestamp: T0 }),
            ],
          }),
        ),
        messagesChange(value({ contacts: [contact(USER_2, 'Bima')], messages: [textMessage('keempat', { from: USER_2, n: 4, timestamp: T0 + 2 })] })),
      ),
    );
    const parsed = parse(body);
    expect(parsed?.messages.map((m) => [m.content.kind === 'text' ? m.content.text : '', m.userId, m.profileName, m.messageId, m.timestamp])).toEqual([
      ['pertama', USER_2, 'Bima', wamid(1), T0 * 1000],
      ['kedua', USER, 'Ayu', wamid(2), T0 * 1000],
      ['keempat', USER_2, 'Bima', wamid(4), (T0 + 2) * 1000],
      ['ketiga', USER, 'Ayu', wamid(3), (T0 + 5) * 1000],
    ]);
    expect(parsed?.ignored).toBe(0);
  });

  it('ignores a change for another phone_number_id, counting its events', () => {
    const body = webhook(
      entry(
        messagesChange(value({ phoneNumberId: OTHER_PHONE_NUMBER_ID, contacts: [contact(USER, 'Ayu')], messages: [textMessage('a'), textMessage('b', { n: 2 })] })),
        messagesChange(value({ phoneNumberId: OTHER_PHONE_NUMBER_ID, statuses: [status('sent')] })),
        messagesChange(value({ contacts: [contact(USER, 'Budi Santoso')], messages: [textMessage('ours', { n: 3 })] })),
      ),
    );
    expect(parse(body)).toEqual({ messages: [inbound({ kind: 'text', text: 'ours' }, { messageId: wamid(3) })], ignored: 3 });
  });

  it('ignores changes of another field', () => {
    const body = webhook(
      entry(
        { field: 'account_update', value: { phone_number: DISPLAY_PHONE_NUMBER, event: 'VERIFIED_ACCOUNT' } },
        { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1, message_template_name: 'x', message_template_language: 'id' } },
        { field: 'smb_message_echoes', value: value({ messages: [textMessage('echo')] }) },
      ),
    );
    expect(parse(body)).toEqual({ messages: [], ignored: 3 });
  });

  it('takes the only contact when wa_id does not match, and leaves out a blank profile name', () => {
    const body = webhook(entry(messagesChange(value({ contacts: [contact('6280000000000', 'Citra')], messages: [textMessage('x')] }))));
    expect(parse(body)?.messages[0]?.profileName).toBe('Citra');
    const blank = parse(webhook(entry(messagesChange(value({ contacts: [contact(USER, '  ')], messages: [textMessage('x')] })))));
    expect(blank?.messages[0]).not.toHaveProperty('profileName');
    const none = parse(webhook(entry(messagesChange(value({ contacts: [contact('1', 'A'), contact('2', 'B')], messages: [textMessage('x')] })))));
    expect(none?.messages[0]).not.toHaveProperty('profileName');
  });

  it('uses the BSUID when the phone number is left out (from_user_id, or contacts[].user_id)', () => {
    const { from: _from, ...noPhone } = textMessage('halo');
    const withFromUserId = { ...noPhone, from_user_id: BSUID };
    const bsuidContact = { profile: { name: 'Dewi' }, user_id: BSUID };
    expect(parse(webhook(entry(messagesChange(value({ contacts: [bsuidContact], messages: [withFromUserId] })))))).toEqual({
      messages: [inbound({ kind: 'text', text: 'halo' }, { userId: BSUID, profileName: 'Dewi' })],
      ignored: 0,
    });
    expect(parse(webhook(entry(messagesChange(value({ contacts: [bsuidContact], messages: [noPhone] })))))?.messages[0]?.userId).toBe(BSUID);
    // With both, the wa_id wins.
    const both = parse(webhook(entry(messagesChange(value({ contacts: [contact(USER, 'Dewi', { user_id: BSUID })], messages: [{ ...textMessage('x'), from_user_id: BSUID }] })))));
    expect(both?.messages[0]).toMatchObject({ userId: USER, profileName: 'Dewi' });
    // Neither: nobody to answer.
    expect(parse(webhook(entry(messagesChange(value({ messages: [noPhone] })))))).toEqual({ messages: [], ignored: 1 });
  });

  it('tolerates a numeric timestamp and phone_number_id', () => {
    const msg = { ...textMessage('x'), timestamp: T0 };
    const body = { object: 'whatsapp_business_account', entry: [{ id: 1, changes: [{ field: 'messages', value: { metadata: { phone_number_id: Number(PHONE_NUMBER_ID) }, messages: [msg] } }] }] };
    expect(parse(body)?.messages).toEqual([{ channel: 'whatsapp', accountId: PHONE_NUMBER_ID, userId: USER, messageId: wamid(1), timestamp: T0 * 1000, content: { kind: 'text', text: 'x' } }]);
  });
});
