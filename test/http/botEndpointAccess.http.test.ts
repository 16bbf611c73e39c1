import http from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { t } from '../../src/i18n/messages.js';
import { tempDir } from '../dialogs/harness.js';
import { nonLoopbackAddress } from '../support/hostAddress.js';
import { BotClient } from './botClient.js';

/**
 * Who may use /api/messages (issue 12, part 1): without an app id, anonymous requests from this
 * machine only unless BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE=true, said at start-up; with an app id,
 * a request without a valid token is refused before its body is read.
 */

const APP = { MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'secret' };
const SELLER_START = [t('id', 'seller.intro'), t('id', 'fields.name.question')];

let service: Service | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

/**
 * The service listening on every interface: `url` reaches it over loopback, `remoteUrl` at one of
 * this host's own non-loopback addresses, so the service sees a peer that is not loopback (the
 * traffic stays on this host).
 */
async function start(env: Record<string, string> = {}, log: Logger = createLogger('silent')): Promise<{ url: string; remoteUrl: string }> {
  service = createService(loadConfig({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env }), log);
  const port = await service.start();
  return { url: `http://127.0.0.1:${port}`, remoteUrl: `http://${nonLoopbackAddress()}:${port}` };
}

/**
 * POSTs to /api/messages announcing `declaredBytes` but sending only `first` and then nothing:
 * resolves with the answer if one comes while the body is still incomplete, or 'no answer' after
 * `waitMs` (a server that reads the whole body first never answers such a request).
 */
function postUnfinished(url: string, first: string, declaredBytes: number, headers: Record<string, string> = {}, waitMs = 5000): Promise<{ status: number; body: unknown } | 'no answer'> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes), ...headers } });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('error', () => undefined);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
      });
    });
    req.write(first);
  });
}

const INFO = 30;
const WARN = 40;

/** A logger whose JSON lines are kept; `accessLines` are those about who may use the endpoint. */
function capturedLog(): { logger: Logger; accessLines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), accessLines: () => lines.filter((l) => 'botFramework' in l) };
}

/** A 6 MB body of nested arrays, announced in full, of which the first 64 KB are sent. */
const DEEP_START = '['.repeat(64 * 1024);
const SIX_MB = 6 * 1024 * 1024;

describe('anonymous Bot Framework requests (no app id)', () => {
  it('are taken from this machine only by default, as the start-up log says; another machine gets 403 before its body is read', async () => {
    const log = capturedLog();
    const { url, remoteUrl } = await start({}, log.logger);
    expect(log.accessLines()).toEqual([expect.objectContaining({ level: INFO, botFramework: 'loopback', msg: expect.stringContaining('this machine (loopback) only') })]);
    expect(await new BotClient(url).say('daftar seller')).toEqual(SELLER_START);

    // A forwarded-for header claiming loopback changes nothing: the socket's peer decides.
    const { status, replies } = await new BotClient(remoteUrl).send('daftar seller');
    expect(status).toBe(403);
    expect(replies).toEqual([]);
    expect(await postUnfinished(remoteUrl, DEEP_START, SIX_MB, { 'x-forwarded-for': '127.0.0.1' })).toEqual({ status: 403, body: expect.objectContaining({ error: 'local_only' }) });
  });

  it('are taken from another machine with BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE=true, with a warning at start-up', async () => {
    const log = capturedLog();
    const { remoteUrl } = await start({ BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE: 'true' }, log.logger);
    expect(log.accessLines()).toEqual([expect.objectContaining({ level: WARN, botFramework: 'anyone', msg: expect.stringContaining('from any address') })]);
    expect(await new BotClient(remoteUrl).say('daftar seller')).toEqual(SELLER_START);
  });
});

describe('Bot Framework requests with an app id', () => {
  it('without a valid token are refused with 401 before the body is read', async () => {
    const { url } = await start(APP);
    expect(await postUnfinished(url, DEEP_START, SIX_MB)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    const forged = await postUnfinished(url, DEEP_START, SIX_MB, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' });
    expect(forged).toEqual({ status: 401, body: { error: 'unauthorized' } });
  });
});
