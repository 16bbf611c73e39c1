import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/channels/meta/types.js';
import { derivePostbackId, parseMessengerWebhook } from '../../../src/channels/messenger/parseMessengerWebhook.js';
import {
  IG_ACCOUNT_ID,
  IG_FILE_URL,
  IG_IMAGE_URL,
  IG_STORY_URL,
  IGSID,
  IGSID_2,
  MESSENGER_AUDIO_URL,
  MESSENGER_FILE_URL,
  MESSENGER_IMAGE_URL,
  MESSENGER_VIDEO_URL,
  PAGE_ID,
  PSID,
  PSID_2,
  T0,
  accountOf,
  attachmentMessage,
  audio,
  delivery,
  echo,
  entry,
  fallback,
  file,
  fromUser,
  image,
  location,
  mid,
  postback,
  quickReplyTap,
  reaction,
  read,
  single,
  stickerAsImage,
  stickerTyped,
  storyMention,
  textMessage,
  userOf,
  video,
  webhook,
  type Channel,
} from './fixtures.js';

const CHANNELS: Channel[] = ['messenger', 'instagram'];

/** The InboundMessage for the default user of `channel`. */
function expected(channel: Channel, messageId: string, content: InboundMessage['content'], timestamp = T0): InboundMessage {
  return { channel, accountId: accountOf(channel), userId: userOf(channel), messageId, timestamp, content };
}

describe('parseMessengerWebhook: envelope', () => {
  it('returns null when the body is not this channel’s envelope', () => {
    expect(parseMessengerWebhook(single('instagram', textMessage('instagram', 'halo')), 'messenger')).toBeNull();
    expect(parseMessengerWebhook(single('messenger', textMessage('messenger', 'halo')), 'instagram')).toBeNull();
    expect(parseMessengerWebhook({ object: 'whatsapp_business_account', entry: [] }, 'messenger')).toBeNull();
    expect(parseMessengerWebhook({ object: 'page' }, 'messenger')).toBeNull();
    expect(parseMessengerWebhook({ object: 'page', entry: {} }, 'messenger')).toBeNull();
    expect(parseMessengerWebhook(null, 'messenger')).toBeNull();
    expect(parseMessengerWebhook('{"object":"page","entry":[]}', 'messenger')).toBeNull();
    expect(parseMessengerWebhook([{ object: 'instagram', entry: [] }], 'instagram')).toBeNull();
  });

  it('accepts an empty entry list, and counts an entry that is not an object as ignored', () => {
    expect(parseMessengerWebhook({ object: 'page', entry: [] }, 'messenger')).toEqual({ messages: [], ignored: 0 });
    expect(parseMessengerWebhook({ object: 'page', entry: ['x', 42] }, 'messenger')).toEqual({ messages: [], ignored: 2 });
  });

  it('ignores events it does not know and malformed items, keeping the good ones', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: T0,
          unknown_list: [{ a: 1 }],
          messaging: [
            { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: T0, game_play: { game_id: '1' } },
            { sender: {}, recipient: { id: PAGE_ID }, timestamp: T0, message: { mid: 'm_x', text: 'no sender' } },
            { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: T0, message: { text: 'no mid' } },
            'not an object',
            { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: T0, message: { mid: 'm_ok', text: 'ok', brand_new_field: { x: 1 } } },
          ],
        },
      ],
    };
    expect(parseMessengerWebhook(body, 'messenger')).toEqual({
      messages: [{ channel: 'messenger', accountId: PAGE_ID, userId: PSID, messageId: 'm_ok', timestamp: T0, content: { kind: 'text', text: 'ok' } }],
      ignored: 4,
    });
  });

  it('falls back to entry.time when an item has no timestamp', () => {
    const event = textMessage('messenger', 'halo');
    delete event.timestamp;
    expect(parseMessengerWebhook(webhook('messenger', entry('messenger', [event], { time: T0 + 7 })), 'messenger')).toEqual({
      messages: [expected('messenger', mid('messenger', 1), { kind: 'text', text: 'halo' }, T0 + 7)],
      ignored: 0,
    });
  });
});

describe.each(CHANNELS)('parseMessengerWebhook (%s)', (channel) => {
  const parse = (body: unknown) => parseMessengerWebhook(body, channel);

  it('reads a text message', () => {
    expect(parse(single(channel, textMessage(channel, 'Halo, saya mau daftar')))).toEqual({
      messages: [expected(channel, mid(channel, 1), { kind: 'text', text: 'Halo, saya mau daftar' })],
      ignored: 0,
    });
  });

  it('keeps emoji and accented letters as they are', () => {
    const text = 'Kafé Budi 👋🏽 ☕ – ok 👍';
    expect(parse(single(channel, textMessage(channel, text)))).toEqual({
      messages: [expected(channel, mid(channel, 1), { kind: 'text', text })],
      ignored: 0,
    });
  });

  it('ignores an empty or blank text', () => {
    expect(parse(single(channel, textMessage(channel, '  ')))).toEqual({ messages: [], ignored: 1 });
  });

  it('reads a quick-reply tap as a choice (title = the text)', () => {
    expect(parse(single(channel, quickReplyTap(channel, 'Daftar jadi seller', 'register')))).toEqual({
      messages: [expected(channel, mid(channel, 'qr'), { kind: 'choice', value: 'register', title: 'Daftar jadi seller' })],
      ignored: 0,
    });
  });

  it('uses the payload as the title of a quick-reply tap without text', () => {
    const event = fromUser(channel, { message: { mid: 'm_qr2', quick_reply: { payload: 'yes' } } });
    expect(parse(single(channel, event))).toEqual({
      messages: [expected(channel, 'm_qr2', { kind: 'choice', value: 'yes', title: 'yes' })],
      ignored: 0,
    });
  });

  it('reads a postback with mid as a choice', () => {
    expect(parse(single(channel, postback(channel, 'Mulai', 'GET_STARTED', 'm_postback_1')))).toEqual({
      messages: [expected(channel, 'm_postback_1', { kind: 'choice', value: 'GET_STARTED', title: 'Mulai' })],
      ignored: 0,
    });
  });

  it('derives a stable id for a postback without mid', () => {
    const first = parse(single(channel, postback(channel, 'Mulai', 'GET_STARTED')));
    const again = parse(single(channel, postback(channel, 'Mulai', 'GET_STARTED')));
    const other = parse(single(channel, postback(channel, 'Hubungi petugas', 'officer')));
    const later = parse(single(channel, postback(channel, 'Mulai', 'GET_STARTED', undefined, { timestamp: T0 + 1 })));
    const id = `pb.${createHash('sha256').update(`${userOf(channel)}\n${T0}\nGET_STARTED`).digest('hex').slice(0, 32)}`;
    expect(first).toEqual({ messages: [expected(channel, id, { kind: 'choice', value: 'GET_STARTED', title: 'Mulai' })], ignored: 0 });
    expect(derivePostbackId(userOf(channel), T0, 'GET_STARTED')).toBe(id);
    expect(again).toEqual(first);
    expect(other?.messages[0]?.messageId).not.toBe(id);
    expect(later?.messages[0]?.messageId).not.toBe(id);
  });

  it('answers a file (a PDF or any document) as unsupported: a document is never the photo', () => {
    const url = channel === 'messenger' ? MESSENGER_FILE_URL : IG_FILE_URL;
    expect(parse(single(channel, attachmentMessage(channel, [file(url)])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'document' })],
      ignored: 0,
    });
  });

  it('answers audio and video as unsupported', () => {
    expect(parse(single(channel, attachmentMessage(channel, [audio(MESSENGER_AUDIO_URL)])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'audio' })],
      ignored: 0,
    });
    expect(parse(single(channel, attachmentMessage(channel, [video(MESSENGER_VIDEO_URL)])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'video' })],
      ignored: 0,
    });
  });

  it('answers a sticker attachment (type "sticker") as unsupported', () => {
    expect(parse(single(channel, attachmentMessage(channel, [stickerTyped()])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'sticker' })],
      ignored: 0,
    });
  });

  it('answers unknown attachment types, and attachments without a type, as unsupported', () => {
    expect(parse(single(channel, attachmentMessage(channel, [{ type: 'appointment_booking', payload: {} }])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'appointment_booking' })],
      ignored: 0,
    });
    const untyped = {
      object: channel === 'messenger' ? 'page' : 'instagram',
      entry: [{ id: accountOf(channel), time: T0, messaging: [{ ...fromUser(channel, {}), message: { mid: 'm_untyped', attachments: [{ payload: { url: IG_IMAGE_URL } }] } }] }],
    };
    expect(parse(untyped)).toEqual({
      messages: [expected(channel, 'm_untyped', { kind: 'unsupported', what: 'unknown' })],
      ignored: 0,
    });
  });

  it('answers an image without a url as unsupported', () => {
    expect(parse(single(channel, attachmentMessage(channel, [{ type: 'image', payload: {} }])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'image' })],
      ignored: 0,
    });
  });

  it('lets the first attachment decide', () => {
    const url = channel === 'messenger' ? MESSENGER_IMAGE_URL : IG_IMAGE_URL;
    expect(parse(single(channel, attachmentMessage(channel, [image(url), video(MESSENGER_VIDEO_URL)])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'media', media: { kind: 'cdnUrl', url }, declaredType: 'image' })],
      ignored: 0,
    });
    expect(parse(single(channel, attachmentMessage(channel, [video(MESSENGER_VIDEO_URL), image(url)])))).toEqual({
      messages: [expected(channel, mid(channel, 'att'), { kind: 'unsupported', what: 'video' })],
      ignored: 0,
    });
  });

  it('ignores echoes, deliveries, reads and reactions', () => {
    expect(parse(single(channel, echo(channel, 'Halo, selamat datang di PLN 123')))).toEqual({ messages: [], ignored: 1 });
    expect(parse(single(channel, delivery(channel)))).toEqual({ messages: [], ignored: 1 });
    expect(parse(single(channel, read(channel)))).toEqual({ messages: [], ignored: 1 });
    expect(parse(single(channel, reaction(channel)))).toEqual({ messages: [], ignored: 1 });
  });

  it('ignores referral-only and opt-in events', () => {
    const referral = fromUser(channel, { referral: { ref: 'seller', source: 'SHORTLINK', type: 'OPEN_THREAD' } });
    const optin = fromUser(channel, { optin: { type: 'notification_messages', payload: 'x' } });
    expect(parse(single(channel, referral, optin))).toEqual({ messages: [], ignored: 2 });
  });

  it('counts standby events (another app owns the thread) as ignored, not answered', () => {
    const body = webhook(channel, entry(channel, [], { standby: [textMessage(channel, 'halo'), textMessage(channel, 'lagi', { n: 2 })] }));
    expect(parse(body)).toEqual({ messages: [], ignored: 2 });
  });

  it('reads every entry and every messaging item, in arrival order (batch)', () => {
    const user2 = channel === 'messenger' ? PSID_2 : IGSID_2;
    const body = webhook(
      channel,
      entry(channel, [textMessage(channel, 'satu', { n: 1 }), delivery(channel), textMessage(channel, 'dua', { n: 2, timestamp: T0 + 1 })]),
      entry(channel, [textMessage(channel, 'tiga', { n: 3, user: user2, timestamp: T0 + 2 })], { standby: [textMessage(channel, 'bukan kita', { n: 4 })] }),
    );
    expect(parse(body)).toEqual({
      messages: [
        expected(channel, mid(channel, 1), { kind: 'text', text: 'satu' }),
        expected(channel, mid(channel, 2), { kind: 'text', text: 'dua' }, T0 + 1),
        { ...expected(channel, mid(channel, 3), { kind: 'text', text: 'tiga' }, T0 + 2), userId: user2 },
      ],
      ignored: 2,
    });
  });

  it('takes accountId from recipient.id, not entry.id', () => {
    const event = { ...textMessage(channel, 'halo'), recipient: { id: 'OTHER_ACCOUNT' } };
    expect(parse(single(channel, event))?.messages[0]?.accountId).toBe('OTHER_ACCOUNT');
  });
});

describe('parseMessengerWebhook: Messenger specifics', () => {
  const parse = (body: unknown) => parseMessengerWebhook(body, 'messenger');

  it('reads a photo as media with its CDN URL', () => {
    expect(parse(single('messenger', attachmentMessage('messenger', [image(MESSENGER_IMAGE_URL)])))).toEqual({
      messages: [expected('messenger', mid('messenger', 'att'), { kind: 'media', media: { kind: 'cdnUrl', url: MESSENGER_IMAGE_URL }, declaredType: 'image' })],
      ignored: 0,
    });
  });

  it('keeps text sent along with a photo as its caption', () => {
    expect(parse(single('messenger', attachmentMessage('messenger', [image(MESSENGER_IMAGE_URL)], { text: 'Foto produk saya' })))).toEqual({
      messages: [
        expected('messenger', mid('messenger', 'att'), {
          kind: 'media',
          media: { kind: 'cdnUrl', url: MESSENGER_IMAGE_URL },
          declaredType: 'image',
          caption: 'Foto produk saya',
        }),
      ],
      ignored: 0,
    });
  });

  it('treats an image with sticker_id as a sticker (legacy form, with message.sticker_id)', () => {
    const legacy = attachmentMessage('messenger', [stickerAsImage()], { sticker_id: 369239263222822 });
    const imageOnly = attachmentMessage('messenger', [stickerAsImage()]);
    const sticker = { messages: [expected('messenger', mid('messenger', 'att'), { kind: 'unsupported', what: 'sticker' })], ignored: 0 };
    expect(parse(single('messenger', legacy))).toEqual(sticker);
    expect(parse(single('messenger', imageOnly))).toEqual(sticker);
  });

  it('treats the transition form (sticker + image attachments, either order) as a sticker', () => {
    const sticker = { messages: [expected('messenger', mid('messenger', 'att'), { kind: 'unsupported', what: 'sticker' })], ignored: 0 };
    expect(parse(single('messenger', attachmentMessage('messenger', [stickerTyped(), stickerAsImage()])))).toEqual(sticker);
    expect(parse(single('messenger', attachmentMessage('messenger', [stickerAsImage(), stickerTyped()])))).toEqual(sticker);
    const unmarkedImageFirst = attachmentMessage('messenger', [image('https://scontent.xx.fbcdn.net/v/t39.1997-6/sticker.png'), stickerTyped()]);
    expect(parse(single('messenger', unmarkedImageFirst))).toEqual(sticker);
  });

  it('answers location and fallback (no text) as unsupported', () => {
    expect(parse(single('messenger', attachmentMessage('messenger', [location()])))).toEqual({
      messages: [expected('messenger', mid('messenger', 'att'), { kind: 'unsupported', what: 'location' })],
      ignored: 0,
    });
    expect(parse(single('messenger', attachmentMessage('messenger', [fallback()])))).toEqual({
      messages: [expected('messenger', mid('messenger', 'att'), { kind: 'unsupported', what: 'fallback' })],
      ignored: 0,
    });
  });

  it('reads a typed link (text + fallback link preview) as the text', () => {
    const event = attachmentMessage('messenger', [fallback({ url: 'https://www.tokobudi.id/', title: 'Toko Budi' })], { text: 'https://www.tokobudi.id/' });
    expect(parse(single('messenger', event))).toEqual({
      messages: [expected('messenger', mid('messenger', 'att'), { kind: 'text', text: 'https://www.tokobudi.id/' })],
      ignored: 0,
    });
  });

  it('ignores an echo in standby and a template echo', () => {
    const templateEcho = {
      ...echo('messenger', ''),
      message: { mid: 'm_tpl', is_echo: true, app_id: 263902037430900, attachments: [{ type: 'template', payload: { template_type: 'media' } }] },
    };
    expect(parse(webhook('messenger', entry('messenger', [templateEcho], { standby: [echo('messenger', 'halo')] })))).toEqual({ messages: [], ignored: 2 });
  });
});

describe('parseMessengerWebhook: Instagram specifics', () => {
  const parse = (body: unknown) => parseMessengerWebhook(body, 'instagram');
  const ig = (messageId: string, content: InboundMessage['content']): InboundMessage => ({
    channel: 'instagram',
    accountId: IG_ACCOUNT_ID,
    userId: IGSID,
    messageId,
    timestamp: T0,
    content,
  });

  it('reads an image (photo or sticker: Instagram does not tell) as media', () => {
    expect(parse(single('instagram', attachmentMessage('instagram', [image(IG_IMAGE_URL)])))).toEqual({
      messages: [ig(mid('instagram', 'att'), { kind: 'media', media: { kind: 'cdnUrl', url: IG_IMAGE_URL }, declaredType: 'image' })],
      ignored: 0,
    });
  });

  it('answers story mentions, shares and reels as unsupported', () => {
    for (const type of ['story_mention', 'share', 'ig_reel', 'reel', 'ig_post']) {
      const attachment = type === 'story_mention' ? storyMention() : { type, payload: { url: IG_IMAGE_URL } };
      expect(parse(single('instagram', attachmentMessage('instagram', [attachment])))).toEqual({
        messages: [ig(mid('instagram', 'att'), { kind: 'unsupported', what: type })],
        ignored: 0,
      });
    }
  });

  it('ignores a deleted (unsent) message', () => {
    const deleted = fromUser('instagram', { message: { mid: mid('instagram', 1), is_deleted: true } });
    expect(parse(single('instagram', deleted))).toEqual({ messages: [], ignored: 1 });
  });

  it('answers an unsupported message as unsupported', () => {
    const unsupported = fromUser('instagram', { message: { mid: mid('instagram', 1), is_unsupported: true } });
    expect(parse(single('instagram', unsupported))).toEqual({
      messages: [ig(mid('instagram', 1), { kind: 'unsupported', what: 'unsupported' })],
      ignored: 0,
    });
  });

  it('counts comment changes as ignored', () => {
    const body = webhook(
      'instagram',
      entry('instagram', [textMessage('instagram', 'halo')], {
        changes: [{ field: 'comments', value: { id: '17865799348089039', from: { id: IGSID, username: 'budi' }, text: 'Mau daftar', media: { id: '1', media_product_type: 'FEED' } } }],
      }),
      { id: IG_ACCOUNT_ID, time: T0, changes: [{ field: 'mentions', value: { media_id: '1', comment_id: '2' } }] },
    );
    expect(parse(body)).toEqual({ messages: [ig(mid('instagram', 1), { kind: 'text', text: 'halo' })], ignored: 2 });
  });

  it('keeps the text of a reply to a story', () => {
    const event = fromUser('instagram', { message: { mid: mid('instagram', 5), text: 'Keren!', reply_to: { story: { url: IG_STORY_URL, id: '1794' } } } });
    expect(parse(single('instagram', event))).toEqual({ messages: [ig(mid('instagram', 5), { kind: 'text', text: 'Keren!' })], ignored: 0 });
  });
});
