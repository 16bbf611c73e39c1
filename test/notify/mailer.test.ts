import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/notify/mailer.js';
import { decodeHeader, SmtpSink } from './smtpSink.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
});
afterAll(async () => {
  await sink.close();
});

describe('createSmtpMailer', () => {
  it('delivers one plain-text UTF-8 message to one recipient', async () => {
    const mailer = createSmtpMailer({ url: sink.url, from: 'PLN 123 <no-reply@pln.co.id>' });
    const text = `Yth. Bapak/Ibu Siti,\n\nToko Anda sudah aktif — silakan unggah produk. 😊\n${'Baris panjang '.repeat(20)}selesai.`;
    await mailer.send({ to: { name: 'Siti Rahmawati', address: 'siti@example.co.id' }, subject: 'Kabar terbaru laporan ITSM-20261124-00001', text });
    mailer.close();

    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.from).toBe('no-reply@pln.co.id');
    expect(mail.to).toEqual(['siti@example.co.id']);
    expect(mail.headers.get('from')).toBe('PLN 123 <no-reply@pln.co.id>');
    expect(mail.headers.get('to')).toBe('Siti Rahmawati <siti@example.co.id>');
    expect(decodeHeader(mail.headers.get('subject') ?? '')).toBe('Kabar terbaru laporan ITSM-20261124-00001');
    expect(mail.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(mail.text).toBe(text);
  });

  it('rejects when the server refuses the recipient', async () => {
    sink.refuseRecipients = true;
    const mailer = createSmtpMailer({ url: sink.url, from: 'PLN 123 <no-reply@pln.co.id>' });
    try {
      await expect(mailer.send({ to: { name: 'X', address: 'gone@example.com' }, subject: 's', text: 't' })).rejects.toMatchObject({ responseCode: 550 });
    } finally {
      sink.refuseRecipients = false;
      mailer.close();
    }
  });

  it('gives up on a server that never answers, after the timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'PLN 123 <no-reply@pln.co.id>', timeoutMs: 300 });
    const started = Date.now();
    await expect(mailer.send({ to: { name: 'X', address: 'x@example.com' }, subject: 's', text: 't' })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    mailer.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
});
