import { describe, expect, it } from 'vitest';
import type { OutboundReply } from '../../../src/channels/meta/types.js';
import { splitForInteractive, splitText, truncate, uniqueTitles, whatsAppPayloads } from '../../../src/channels/whatsapp/whatsAppPayloads.js';
import { BSUID, USER } from './fixtures.js';

const labels = { listButton: 'Pilih', listSection: 'Pilihan' };
const reply = (text: string, choices: OutboundReply['choices'] = []): OutboundReply => ({ text, choices });
const payloads = (r: OutboundReply) => whatsAppPayloads(USER, r, labels);
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${USER}` } as const;
const textBody = (body: string) => ({ ...envelope, type: 'text', text: { body, preview_url: false } });

const textOf = (body: Record<string, unknown>): string => {
  const text = body.text;
  if (typeof text !== 'object' || text === null || !('body' in text) || typeof text.body !== 'string') throw new Error('no text');
  return text.body;
};
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** A lone surrogate would not survive a UTF-8 round trip. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('whatsAppPayloads: text', () => {
  it('sends a short text as one text body, to "+<wa_id>", leaving *bold* as is', () => {
    expect(payloads(reply('Halo, selamat datang di *PLN 123* 👋'))).toEqual([textBody('Halo, selamat datang di *PLN 123* 👋')]);
  });

  it('adds the "+" once, and sends a business-scoped user id as recipient', () => {
    expect(whatsAppPayloads(`+${USER}`, reply('x'), labels)[0]).toMatchObject({ to: `+${USER}` });
    expect(whatsAppPayloads(BSUID, reply('x'), labels)).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', recipient: BSUID, type: 'text', text: { body: 'x', preview_url: false } },
    ]);
  });

  it('sends nothing for an empty reply', () => {
    expect(payloads(reply('  \n '))).toEqual([]);
  });

  it('splits a 10,000-character text into 3 messages of at most 4096, on word boundaries', () => {
    const words = ['listrik', 'pelanggan', 'marketplace', 'seller', 'produk', 'verifikasi'];
    let text = '';
    for (let i = 0; text.length < 10_000; i++) text += (text ? ' ' : '') + words[i % words.length];
    text = text.slice(0, 10_000);
    expect(text).toHaveLength(10_000);
    const bodies = payloads(reply(text));
    expect(bodies).toHaveLength(3);
    const texts = bodies.map(textOf);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    expect(texts.join(' ')).toBe(text);
    // Every piece but the last ends with a whole word.
    for (const t of texts.slice(0, -1)) expect(words).toContain(t.split(' ').at(-1));
    for (const body of bodies) expect(body).toMatchObject(envelope);
  });

  it('fills a piece to exactly 4096 when the break falls there', () => {
    const a = 'a'.repeat(4096);
    expect(payloads(reply(`${a} bbb`)).map(textOf)).toEqual([a, 'bbb']);
    expect(payloads(reply(a)).map(textOf)).toEqual([a]);
    expect(payloads(reply(`${a}b`)).map(textOf)).toEqual([a, 'b']);
  });

  it('prefers paragraph breaks, then line breaks', () => {
    const para = (n: number) => `Paragraf ${n}. ` + 'Data Anda akan diverifikasi oleh tim kami. '.repeat(40).trim();
    const text = [1, 2, 3, 4, 5].map(para).join('\n\n');
    const texts = payloads(reply(text)).map(textOf);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    expect(texts.join('\n\n')).toBe(text);
    for (const t of texts) expect(t.startsWith('Paragraf ')).toBe(true);

    const lines = Array.from({ length: 120 }, (_, i) => `${i + 1}. Baris data pendaftaran seller nomor ${i + 1}`).join('\n');
    const byLine = payloads(reply(lines)).map(textOf);
    expect(byLine.length).toBeGreaterThan(1);
    expect(byLine.join('\n')).toBe(lines);
  });

  it('never breaks an emoji (surrogate pair or ZWJ sequence) at the boundary', () => {
    const family = '👨‍👩‍👧';
    const text = 'a'.repeat(4095) + '😀' + family.repeat(3);
    const texts = payloads(reply(text)).map(textOf);
    expect(texts).toEqual(['a'.repeat(4095), '😀' + family.repeat(3)]);
    for (const t of texts) expect(wellFormed(t)).toBe(true);

    // A family is 8 UTF-16 units: 4088 + 8 fills the piece exactly, the second family moves on whole.
    expect(family).toHaveLength(8);
    expect(splitText('b'.repeat(4088) + family.repeat(2), 4096)).toEqual(['b'.repeat(4088) + family, family]);
    expect(splitText('b'.repeat(4090) + family.repeat(2), 4096)).toEqual(['b'.repeat(4090), family.repeat(2)]);
  });

  it('cuts a single word longer than the limit, and never mid-word otherwise', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('ab cdefghij', 8)).toEqual(['ab', 'cdefghij']);
    expect(splitText('  halo  ', 10)).toEqual(['halo']);
    expect(splitText('', 10)).toEqual([]);
  });

  it('keeps every piece whole across a long mixed text (rejoined equals the original modulo the split whitespace)', () => {
    const text = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? `Paragraf ${i} 🙏🏽\n\n` : `kalimat ${i} é ${'x'.repeat(i % 13)} `)).join('');
    const texts = payloads(reply(text)).map(textOf);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(4096);
      expect(wellFormed(t)).toBe(true);
    }
    expect(squash(texts.join(' '))).toBe(squash(text));
  });
});

describe('whatsAppPayloads: reply buttons', () => {
  it('renders 2 choices as one reply-buttons message', () => {
    expect(payloads(reply('Apakah nama usaha Anda *Toko Citra*?', [{ title: 'Ya', value: 'confirm.yes' }, { title: 'Bukan', value: 'confirm.no' }]))).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: `+${USER}`,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Apakah nama usaha Anda *Toko Citra*?' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'confirm.yes', title: 'Ya' } },
              { type: 'reply', reply: { id: 'confirm.no', title: 'Bukan' } },
            ],
          },
        },
      },
    ]);
  });

  it('renders 3 choices as one reply-buttons message', () => {
    const choices = [
      { title: 'Kirim', value: 'summary.submit' },
      { title: 'Ubah data', value: 'summary.edit' },
      { title: 'Batal', value: 'summary.cancel' },
    ];
    expect(payloads(reply('Ringkasan pendaftaran Anda.', choices))).toEqual([
      {
        ...envelope,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Ringkasan pendaftaran Anda.' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'summary.submit', title: 'Kirim' } },
              { type: 'reply', reply: { id: 'summary.edit', title: 'Ubah data' } },
              { type: 'reply', reply: { id: 'summary.cancel', title: 'Batal' } },
            ],
          },
        },
      },
    ]);
  });

  it('truncates a 25-character title to 20 with "…"', () => {
    const title = 'Gunakan nomor WhatsApp ini'.slice(0, 25);
    expect(title).toHaveLength(25);
    const [body] = payloads(reply('Nomor telepon?', [{ title, value: 'phone.useWa' }]));
    expect(body).toMatchObject({ interactive: { action: { buttons: [{ type: 'reply', reply: { id: 'phone.useWa', title: 'Gunakan nomor Whats…' } }] } } });
    expect('Gunakan nomor Whats…'.length).toBeLessThanOrEqual(20);
  });

  it('makes colliding truncated titles unique', () => {
    const choices = [
      { title: 'Alamat usaha di Kota Bandung', value: 'a' },
      { title: 'Alamat usaha di Kota Bekasi', value: 'b' },
      { title: 'Alamat usaha di Kota Bogor', value: 'c' },
    ];
    const [body] = payloads(reply('Pilih alamat', choices));
    const titles = [
      { type: 'reply', reply: { id: 'a', title: 'Alamat usaha di Kot…' } },
      { type: 'reply', reply: { id: 'b', title: 'Alamat usaha di K… 2' } },
      { type: 'reply', reply: { id: 'c', title: 'Alamat usaha di K… 3' } },
    ];
    expect(body).toEqual({ ...envelope, type: 'interactive', interactive: { type: 'button', body: { text: 'Pilih alamat' }, action: { buttons: titles } } });
    for (const b of titles) expect(b.reply.title.length).toBeLessThanOrEqual(20);
  });

  it('makes identical titles unique (case-insensitively) and uses the value for a blank title', () => {
    expect(uniqueTitles(['Ya', 'ya', 'YA'], 20)).toEqual(['Ya', 'ya 2', 'YA 3']);
    const [body] = payloads(reply('?', [{ title: '  ', value: 'yes' }, { title: 'Tidak\nmau', value: 'no' }]));
    expect(body).toMatchObject({ interactive: { action: { buttons: [{ reply: { id: 'yes', title: 'yes' } }, { reply: { id: 'no', title: 'Tidak mau' } }] } } });
  });

  it('sends a long text first as text messages, then the buttons with the last paragraph as body', () => {
    const intro = 'Syarat dan ketentuan seller PLN Mobile Marketplace. '.repeat(30).trim(); // > 1024
    const question = 'Apakah Anda setuju?';
    const choices = [{ title: 'Setuju', value: 'tos.yes' }, { title: 'Tidak', value: 'tos.no' }];
    expect(payloads(reply(`${intro}\n\n${question}`, choices))).toEqual([
      textBody(intro),
      {
        ...envelope,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: question },
          action: { buttons: [{ type: 'reply', reply: { id: 'tos.yes', title: 'Setuju' } }, { type: 'reply', reply: { id: 'tos.no', title: 'Tidak' } }] },
        },
      },
    ]);
  });

  it('a text over 4096 + buttons: several text messages, then the buttons', () => {
    const long = 'Informasi pendaftaran seller yang perlu Anda baca. '.repeat(200).trim(); // ~10k, one paragraph
    const bodies = payloads(reply(`${long}\n\nLanjutkan?`, [{ title: 'Ya', value: 'y' }]));
    expect(bodies.map((b) => b.type)).toEqual(['text', 'text', 'text', 'interactive']);
    expect(squash(bodies.slice(0, 3).map(textOf).join(' '))).toBe(squash(long));
    expect(bodies[3]).toMatchObject({ interactive: { type: 'button', body: { text: 'Lanjutkan?' } } });
  });

  it('a single paragraph over 1024 keeps its last ≤ 1024 characters, from a word start, in the body', () => {
    const text = 'kata '.repeat(400).trim() + ' terakhir?'; // 2009 characters, no paragraph break
    const bodies = payloads(reply(text, [{ title: 'Ya', value: 'y' }]));
    expect(bodies.map((b) => b.type)).toEqual(['text', 'interactive']);
    const lead = textOf(bodies[0] ?? {});
    const interactive = bodies[1]?.interactive as { body: { text: string } };
    expect(interactive.body.text.length).toBeLessThanOrEqual(1024);
    expect(interactive.body.text.length).toBeGreaterThan(512);
    expect(interactive.body.text.startsWith('kata ')).toBe(true);
    expect(interactive.body.text.endsWith(' terakhir?')).toBe(true);
    expect(`${lead} ${interactive.body.text}`).toBe(text);
  });

  it('uses the prompt label (or the list button label) as body when the reply has no text', () => {
    expect(whatsAppPayloads(USER, reply('', [{ title: 'Ya', value: 'y' }]), labels)[0]).toMatchObject({ interactive: { body: { text: 'Pilih' } } });
    expect(whatsAppPayloads(USER, reply('', [{ title: 'Ya', value: 'y' }]), { ...labels, prompt: 'Silakan pilih:' })[0]).toMatchObject({
      interactive: { body: { text: 'Silakan pilih:' } },
    });
  });

  it('falls back to a numbered list when an id would be refused (too long, empty or repeated)', () => {
    const tooLong = 'x'.repeat(257);
    expect(payloads(reply('Pilih', [{ title: 'A', value: tooLong }, { title: 'B', value: 'b' }]))).toEqual([textBody('Pilih\n\n1. A\n2. B')]);
    expect(payloads(reply('Pilih', [{ title: 'A', value: 'a' }, { title: 'B', value: 'a' }]))).toEqual([textBody('Pilih\n\n1. A\n2. B')]);
    expect(payloads(reply('Pilih', [{ title: 'A', value: ' ' }]))).toEqual([textBody('Pilih\n\n1. A')]);
  });
});

describe('whatsAppPayloads: list', () => {
  it('renders 8 choices as one list message with 8 rows', () => {
    const fields = [
      ['field.name', 'Nama lengkap'],
      ['field.businessName', 'Nama usaha'],
      ['field.phone', 'Nomor telepon'],
      ['field.email', 'Email'],
      ['field.province', 'Provinsi'],
      ['field.city', 'Kota/Kabupaten tempat usaha berdiri'],
      ['field.address', 'Alamat lengkap usaha'],
      ['field.photo', 'Foto KTP'],
    ] as const;
    const choices = fields.map(([value, title]) => ({ title, value }));
    expect(whatsAppPayloads(USER, reply('Data mana yang ingin Anda ubah?', choices), labels)).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: `+${USER}`,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Data mana yang ingin Anda ubah?' },
          action: {
            button: 'Pilih',
            sections: [
              {
                title: 'Pilihan',
                rows: [
                  { id: 'field.name', title: 'Nama lengkap' },
                  { id: 'field.businessName', title: 'Nama usaha' },
                  { id: 'field.phone', title: 'Nomor telepon' },
                  { id: 'field.email', title: 'Email' },
                  { id: 'field.province', title: 'Provinsi' },
                  { id: 'field.city', title: 'Kota/Kabupaten tempat u…', description: 'Kota/Kabupaten tempat usaha berdiri' },
                  { id: 'field.address', title: 'Alamat lengkap usaha' },
                  { id: 'field.photo', title: 'Foto KTP' },
                ],
              },
            ],
          },
        },
      },
    ]);
  });

  it('cuts the labels and a long description to their limits', () => {
    const long = 'Sebuah pilihan dengan judul yang sangat panjang sekali hingga melewati batas deskripsi baris daftar';
    const choices = Array.from({ length: 4 }, (_, i) => ({ title: i === 0 ? long : `Pilihan ${i}`, value: `v${i}` }));
    const [body] = whatsAppPayloads(USER, reply('Pilih satu', choices), { listButton: 'Lihat semua pilihan yang ada', listSection: 'Pilihan yang tersedia untuk Anda' });
    const interactive = body?.interactive as { action: { button: string; sections: Array<{ title: string; rows: Array<{ id: string; title: string; description?: string }> }> } };
    expect(interactive.action.button).toBe('Lihat semua pilihan…');
    expect(interactive.action.sections[0]?.title).toBe('Pilihan yang tersedia u…');
    const row = interactive.action.sections[0]?.rows[0];
    expect(row?.title.length).toBeLessThanOrEqual(24);
    expect(row?.description?.length).toBeLessThanOrEqual(72);
    expect(row?.description?.endsWith('…')).toBe(true);
    expect(interactive.action.sections[0]?.rows[1]).toEqual({ id: 'v1', title: 'Pilihan 1' });
  });

  it('10 choices are still a list; a text over 4096 goes first as text', () => {
    const choices = Array.from({ length: 10 }, (_, i) => ({ title: `Opsi ${i + 1}`, value: `o${i + 1}` }));
    const long = 'Penjelasan panjang. '.repeat(300).trim(); // ~6000
    const bodies = payloads(reply(`${long}\n\nPilih opsi:`, choices));
    expect(bodies.map((b) => b.type)).toEqual(['text', 'text', 'interactive']);
    expect(bodies[2]).toMatchObject({ interactive: { type: 'list', body: { text: 'Pilih opsi:' } } });
  });
});

describe('whatsAppPayloads: more than 10 choices', () => {
  it('renders 12 choices as a numbered list appended to the text, with no interactive message', () => {
    const choices = Array.from({ length: 12 }, (_, i) => ({ title: `Provinsi ${i + 1}`, value: `prov.${i + 1}` }));
    const list = choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
    expect(payloads(reply('Di provinsi mana usaha Anda?', choices))).toEqual([textBody(`Di provinsi mana usaha Anda?\n\n${list}`)]);
  });
});

describe('helpers', () => {
  it('truncate cuts on grapheme boundaries and counts the "…"', () => {
    expect(truncate('12345678901234567890', 20)).toBe('12345678901234567890');
    expect(truncate('Kopi ☕ dan 👨‍👩‍👧 keluarga', 20)).toBe('Kopi ☕ dan 👨‍👩‍👧…');
    expect(truncate('Kopi ☕ dan 👨‍👩‍👧 keluarga', 20).length).toBeLessThanOrEqual(20);
  });

  it('splitForInteractive keeps a short text whole as the body', () => {
    expect(splitForInteractive('Halo\n\nApa kabar?', 1024)).toEqual({ lead: '', tail: 'Halo\n\nApa kabar?' });
  });
});
