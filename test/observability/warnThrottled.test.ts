import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetaWebhookRouter } from '../../src/channels/meta/webhookRouter.js';
import type { Logger } from '../../src/log.js';
import { warnThrottled } from '../../src/observability/warnThrottled.js';

/** A logger that keeps its warnings. */
function capturingLog(): { log: Logger; warnings: Array<{ fields: Record<string, unknown>; message: string }> } {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const ignore = () => undefined;
  const log = { warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }), info: ignore, debug: ignore, error: ignore } as unknown as Logger;
  return { log, warnings };
}

describe('warnThrottled', () => {
  it('writes one line per key and interval, then says how many it left out', () => {
    const { log, warnings } = capturingLog();
    let now = 0;
    const warn = warnThrottled(log, { intervalMs: 60_000, now: () => now });
    for (let i = 0; i < 500; i++) warn('signature', { channel: 'whatsapp' }, 'bad signature');
    warn('verification', { channel: 'whatsapp' }, 'refused');
    expect(warnings).toEqual([
      { fields: { channel: 'whatsapp' }, message: 'bad signature' },
      { fields: { channel: 'whatsapp' }, message: 'refused' },
    ]);
    now = 59_999;
    warn('signature', { channel: 'whatsapp' }, 'bad signature');
    expect(warnings).toHaveLength(2);
    now = 60_000;
    warn('signature', { channel: 'whatsapp' }, 'bad signature');
    expect(warnings[2]).toEqual({ fields: { channel: 'whatsapp', suppressed: 500 }, message: 'bad signature' });
  });
});

describe('the Meta webhook under a flood of unsigned requests', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  });

  it('refuses every one with 401 and writes one warning line, not one per request', async () => {
    const { log, warnings } = capturingLog();
    const statuses: number[] = [];
    const app = express();
    app.use(
      createMetaWebhookRouter({
        channel: 'whatsapp',
        verifyToken: 'verify',
        appSecret: 'secret',
        bodyLimitBytes: 1024 * 1024,
        parse: () => ({ messages: [], ignored: 0 }),
        dispatch: () => undefined,
        log,
        metrics: { webhook: (_channel: string, status: number) => statuses.push(status) },
      }),
    );
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/webhooks/whatsapp`;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(i % 2 ? { 'x-hub-signature-256': 'sha256=00' } : {}) }, body: '{}' }).then((r) => r.status)),
    );
    const handshakes = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`).then((r) => r.status)));
    expect(new Set(answers)).toEqual(new Set([401]));
    expect(new Set(handshakes)).toEqual(new Set([403]));
    expect(statuses.filter((s) => s === 401)).toHaveLength(200);
    expect(warnings.map((w) => w.message)).toEqual(['webhook signature missing or wrong', 'webhook verification refused']);
  });
});
