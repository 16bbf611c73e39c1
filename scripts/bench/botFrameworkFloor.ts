/**
 * The second reference of the turn benchmark: the service's own Bot Framework path with nothing
 * behind it. The same Express app (createApp: body limit, depth check, activity schema), the same
 * adapter (src/channels/botframework.ts: authentication, TurnContext, expectReplies buffering),
 * and a bot that answers every message with one "ok": no dialog, no understanding, no storage, no
 * photo. What a turn costs here is what any bot on this HTTP path and botbuilder costs; what the
 * service costs above it is the dialog's. Run as its own child process through tsx, like the
 * bare-Express ceiling (PORT and HOST from the environment).
 */
import type { TurnContext } from 'botbuilder';
import { createBotFrameworkAdapter } from '../../src/channels/botframework.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import type { PlnBot } from '../../src/bot/plnBot.js';

const config = loadConfig({ DATA_DIR: process.env.DATA_DIR ?? '', LOG_LEVEL: 'silent' });
const echo = {
  onTurn: async (context: TurnContext) => {
    if (context.activity.type === 'message') await context.sendActivity('ok');
  },
} as Pick<PlnBot, 'onTurn'> as PlnBot;
const app = createApp({ adapter: createBotFrameworkAdapter(config.botFramework), bot: echo, routers: [], ready: () => true, trustProxy: config.trustProxy, log: createLogger('silent') });

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
