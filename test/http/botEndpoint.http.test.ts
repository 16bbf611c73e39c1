import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { t } from '../../src/i18n/messages.js';
import { tempDir } from '../dialogs/harness.js';
import { BotClient } from './botClient.js';

/**
 * The HTTP side of /api/messages, which the service answers itself (the SDK's CloudAdapter only
 * runs the turn): authentication when an app id is set, bad bodies, and the answer to activities
 * that are not messages.
 */
describe('the Bot Framework endpoint', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  const start = async (env: Record<string, string> = {}) => {
    service = createService(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env }), createLogger('silent'));
    return `http://127.0.0.1:${await service.start()}`;
  };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const message = (text: string) => ({
    type: 'message',
    id: 'm-1',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: 'user-1' },
    recipient: { id: 'bot' },
    conversation: { id: 'conv-endpoint' },
    deliveryMode: 'expectReplies',
    text,
  });

  it('answers a message with the replies, the same turn after turn (the SDK clients are reused)', async () => {
    const url = await start();
    const user = new BotClient(url);
    expect(await user.say('daftar seller')).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
    expect(await user.say('Budi Santoso')).toEqual([t('id', 'fields.businessName.question')]);
    const other = new BotClient(url);
    expect(await other.say('daftar seller')).toEqual([t('id', 'seller.intro'), t('id', 'fields.name.question')]);
  });

  it('refuses a request without a valid token when an app id is configured (401)', async () => {
    const url = await start({ MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', MICROSOFT_APP_PASSWORD: 'secret' });
    const none = await post(url, message('daftar seller'));
    expect(none.status).toBe(401);
    const forged = await post(url, message('daftar seller'), { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'unauthorized' });
  });

  it('answers 400 to a body that is not an activity, and 200 without a body to an activity that is not a message', async () => {
    const url = await start();
    expect((await post(url, { hello: 'world' })).status).toBe(400);
    expect((await post(url, [1, 2])).status).toBe(400);
    const typing = await post(url, { ...message(''), type: 'typing', deliveryMode: undefined });
    expect(typing.status).toBe(200);
    expect(await typing.text()).toBe('');
  });
});
