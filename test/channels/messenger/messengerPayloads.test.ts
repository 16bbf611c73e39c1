import { describe, expect, it } from 'vitest';
import type { OutboundReply } from '../../../src/channels/meta/types.js';
import { messengerPayloads, splitText, stripBoldMarkers, truncateTitle } from '../../../src/channels/messenger/messengerPayloads.js';
import { IGSID, PSID } from './fixtures.js';

const messenger = { channel: 'messenger', humanAgent: false } as const;
const instagram = { channel: 'instagram', humanAgent: false } as const;
const reply = (text: string, choices: OutboundReply['choices'] = [], locale?: 'id' | 'en'): OutboundReply => ({ text, choices, ...(locale ? { locale } : {}) });

const textOf = (body: Record<string, unknown>): string => {
  const message = body.message;
  if (typeof message !== 'object' || message === null || !('text' in message) || typeof message.text !== 'string') throw new Error('no text');
  return message.text;
};
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** A lone surrogate would not survive a UTF-8 round trip. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('messengerPayloads', () => {
  it('sends a short text as one RESPONSE body', () => {
    expect(messengerPayloads(PSID, reply('Halo, selamat datang di PLN 123 👋'), messenger)).toEqual([
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Halo, selamat datang di PLN 123 👋' } },
    ]);
  });

  it('tags every body HUMAN_AGENT for a human officer outside the window', () => {
    const bodies = messengerPayloads(IGSID, reply('Halo, saya petugas PLN 123.', [{ title: 'Ya', value: 'yes' }]), { channel: 'instagram', humanAgent: true });
    expect(bodies).toEqual([
      {
        recipient: { id: IGSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { text: 'Halo, saya petugas PLN 123.', quick_replies: [{ content_type: 'text', title: 'Ya', payload: 'yes' }] },
      },
    ]);
  });

  it('splits a 5000-character Messenger text into 3 bodies of at most 2000 characters, on word boundaries', () => {
    const words = 'listrik pelanggan marketplace seller produk verifikasi';
    let text = '';
    for (let i = 0; text.length < 4990; i++) text += (text ? ' ' : '') + words.split(' ')[i % 6];
    text = `${text.slice(0, 4989).trimEnd()} `.padEnd(5000, 'x');
    expect(text).toHaveLength(5000);
    const bodies = messengerPayloads(PSID, reply(text), messenger);
    expect(bodies).toHaveLength(3);
    const texts = bodies.map(textOf);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.join(' ')).toBe(text);
    for (const t of texts) expect(t).toBe(t.trim());
    // Every piece ends with a whole word.
    for (const t of texts.slice(0, -1)) expect(words.split(' ')).toContain(t.split(' ').at(-1));
    for (const body of bodies) expect(body).toMatchObject({ recipient: { id: PSID }, messaging_type: 'RESPONSE' });
  });

  it('prefers paragraph breaks, then line breaks', () => {
    const para = (n: number) => `Paragraf ${n}. ` + 'Data Anda akan diverifikasi oleh tim kami. '.repeat(20).trim();
    const text = [1, 2, 3, 4, 5].map(para).join('\n\n');
    const texts = messengerPayloads(PSID, reply(text), messenger).map(textOf);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.join('\n\n')).toBe(text);
    for (const t of texts) expect(t.startsWith('Paragraf ')).toBe(true);

    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1}. Baris data nomor ${i + 1} untuk pendaftaran seller`).join('\n');
    const lineTexts = messengerPayloads(PSID, reply(lines), messenger).map(textOf);
    expect(lineTexts.length).toBeGreaterThan(1);
    expect(lineTexts.join('\n')).toBe(lines);
  });

  it('splits emoji-heavy Instagram text by UTF-8 bytes (1000), never inside a character', () => {
    const text = Array.from({ length: 120 }, (_, i) => `Terima kasih 🙏😊 ${i} sudah mendaftar 👍🏽 ✨ é`).join(' ');
    expect(Buffer.byteLength(text)).toBeGreaterThan(3000);
    const texts = messengerPayloads(IGSID, reply(text), instagram).map(textOf);
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const t of texts) {
      expect(Buffer.byteLength(t, 'utf8')).toBeLessThanOrEqual(1000);
      expect(wellFormed(t)).toBe(true);
    }
    expect(squash(texts.join(' '))).toBe(squash(text));
  });

  it('hard-splits Instagram text without spaces on grapheme boundaries', () => {
    const text = '👨‍👩‍👧'.repeat(50) + '🙏'.repeat(300); // family = 18 bytes, 8 UTF-16 units
    const texts = messengerPayloads(IGSID, reply(text), instagram).map(textOf);
    for (const t of texts) {
      expect(Buffer.byteLength(t, 'utf8')).toBeLessThanOrEqual(1000);
      expect(wellFormed(t)).toBe(true);
    }
    expect(texts.join('')).toBe(text);
    expect(texts[0]).toBe('👨‍👩‍👧'.repeat(50) + '🙏'.repeat(25)); // 900 + 100 bytes
  });

  it('counts Messenger text in characters, not bytes', () => {
    const text = '🙏'.repeat(900); // 1800 UTF-16 units, 3600 bytes
    expect(messengerPayloads(PSID, reply(text), messenger).map(textOf)).toEqual([text]);
  });

  it('puts quick replies on the last body only', () => {
    const text = `${'Mohon periksa kembali data Anda. '.repeat(60).trim()}\n\nApakah data sudah benar?`;
    const bodies = messengerPayloads(PSID, reply(text, [{ title: 'Kirim', value: 'submit' }, { title: 'Ubah data', value: 'edit' }, { title: 'Batal', value: 'cancel' }]), messenger);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Mohon periksa kembali data Anda. '.repeat(60).trim() } });
    expect(JSON.stringify(bodies[1])).toBe(
      JSON.stringify({
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          text: 'Apakah data sudah benar?',
          quick_replies: [
            { content_type: 'text', title: 'Kirim', payload: 'submit' },
            { content_type: 'text', title: 'Ubah data', payload: 'edit' },
            { content_type: 'text', title: 'Batal', payload: 'cancel' },
          ],
        },
      }),
    );
  });

  it('sends Instagram quick replies in the same text-only shape', () => {
    expect(messengerPayloads(IGSID, reply('Pilih:', [{ title: 'Daftar jadi seller', value: 'register' }]), instagram)).toEqual([
      { recipient: { id: IGSID }, messaging_type: 'RESPONSE', message: { text: 'Pilih:', quick_replies: [{ content_type: 'text', title: 'Daftar jadi seller', payload: 'register' }] } },
    ]);
  });

  it('cuts a quick-reply title longer than 20 characters with an ellipsis', () => {
    const title = 'Makanan dan minuman ringan'.slice(0, 25);
    expect(title).toHaveLength(25);
    const [body] = messengerPayloads(PSID, reply('Jenis produk?', [{ title, value: 'food' }]), messenger);
    expect(body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Jenis produk?', quick_replies: [{ content_type: 'text', title: 'Makanan dan minuman…', payload: 'food' }] },
    });
    expect(truncateTitle(title).length).toBeLessThanOrEqual(20);
    expect(truncateTitle('12345678901234567890')).toBe('12345678901234567890');
    expect(truncateTitle('Kopi ☕ dan 👨‍👩‍👧 keluarga')).toBe('Kopi ☕ dan 👨‍👩‍👧…');
  });

  it('accepts 13 choices as quick replies', () => {
    const choices = Array.from({ length: 13 }, (_, i) => ({ title: `Pilihan ${i + 1}`, value: `c${i + 1}` }));
    const [body] = messengerPayloads(PSID, reply('Pilih:', choices), messenger);
    expect(body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Pilih:', quick_replies: choices.map((c) => ({ content_type: 'text', title: c.title, payload: c.value })) },
    });
  });

  it('writes 14 choices out as a numbered list, with no quick replies', () => {
    const choices = Array.from({ length: 14 }, (_, i) => ({ title: `Provinsi ${i + 1}`, value: `p${i + 1}` }));
    expect(messengerPayloads(PSID, reply('Pilih provinsi Anda:', choices), messenger)).toEqual([
      {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { text: `Pilih provinsi Anda:\n\n${choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n')}` },
      },
    ]);
  });

  it('writes choices out when a payload is too long for a quick reply', () => {
    const [body] = messengerPayloads(PSID, reply('Pilih:', [{ title: 'A', value: 'x'.repeat(1001) }]), messenger);
    expect(body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Pilih:\n\n1. A' } });
  });

  it('adds a short prompt when a reply has choices but no text', () => {
    expect(messengerPayloads(PSID, reply('', [{ title: 'Ya', value: 'yes' }], 'en'), messenger)).toEqual([
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Please choose:', quick_replies: [{ content_type: 'text', title: 'Ya', payload: 'yes' }] } },
    ]);
    expect(textOf(messengerPayloads(PSID, reply('  ', [{ title: 'Ya', value: 'yes' }]), messenger)[0] ?? {})).toBe('Silakan pilih:');
  });

  it('sends nothing for an empty reply', () => {
    expect(messengerPayloads(PSID, reply(''), messenger)).toEqual([]);
  });

  it('strips WhatsApp-style bold markers', () => {
    const [body] = messengerPayloads(
      PSID,
      reply('Ketik *daftar* untuk mulai, atau *petugas* bila ingin dibantu.\nNomor Lapor ITSM *ITSM-20261124-00001*.', [{ title: '*Kirim*', value: 'submit' }]),
      messenger,
    );
    expect(body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: {
        text: 'Ketik daftar untuk mulai, atau petugas bila ingin dibantu.\nNomor Lapor ITSM ITSM-20261124-00001.',
        quick_replies: [{ content_type: 'text', title: 'Kirim', payload: 'submit' }],
      },
    });
  });
});

describe('stripBoldMarkers', () => {
  it.each([
    ['Ketik *kirim* bila data sudah benar', 'Ketik kirim bila data sudah benar'],
    ['(misalnya *ubah email*)', '(misalnya ubah email)'],
    ['*foto contoh produk* Anda', 'foto contoh produk Anda'],
    ['*a*', 'a'],
    ['*Kafé*, *ok*!', 'Kafé, ok!'],
    ['5 * 3 = 15', '5 * 3 = 15'],
    ['5 * 3 * 2', '5 * 3 * 2'],
    ['2*3*4', '2*3*4'],
    ['a*b@contoh.id', 'a*b@contoh.id'],
    ['**penting**', '**penting**'],
    ['*** catatan ***', '*** catatan ***'],
    ['* butir satu\n* butir dua', '* butir satu\n* butir dua'],
    ['*tidak\nditutup*', '*tidak\nditutup*'],
    ['harga *', 'harga *'],
  ])('%j -> %j', (input, output) => {
    expect(stripBoldMarkers(input)).toBe(output);
  });
});

describe('splitText', () => {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

  it('returns the text itself when it fits', () => {
    expect(splitText('  halo  ', 10, (s) => s.length)).toEqual(['halo']);
    expect(splitText('', 10, (s) => s.length)).toEqual([]);
  });

  it('never splits é written with a combining accent', () => {
    const text = 'e\u0301'.repeat(10); // 3 bytes each
    const parts = splitText(text, 10, bytes);
    expect(parts).toEqual(['e\u0301e\u0301e\u0301', 'e\u0301e\u0301e\u0301', 'e\u0301e\u0301e\u0301', 'e\u0301']);
  });

  it('does not cut a paragraph break too early when a word boundary keeps more', () => {
    const text = `ab\n\n${'kata '.repeat(10).trim()}`;
    const parts = splitText(text, 30, (s) => s.length);
    expect(parts[0]).toBe(`ab\n\nkata kata kata kata kata`);
  });
});
