import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { z } from 'zod';
import type { AppConfig } from '../config.js';

/**
 * The Bot Framework channel (Emulator, Web Chat, Teams, Direct Line, `npm run chat`). With no app
 * id configured the adapter accepts unauthenticated requests, which is what local use needs; in
 * production set MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD and every request must carry a valid
 * Bot Framework token. `deliveryMode: "expectReplies"` is handled by the adapter itself: the
 * replies come back in the HTTP response instead of being posted to the channel.
 */
export function createBotFrameworkAdapter(config: AppConfig['botFramework']): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId ?? '',
  });
  return new CloudAdapter(auth);
}

/**
 * The least an incoming activity must have for the bot to act on it. The SDK's own checks throw
 * on some malformed bodies (answering 500); checking first answers a clear 400 instead.
 */
export const incomingActivitySchema = z.object({
  type: z.string().min(1),
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  conversation: z.object({ id: z.string().min(1) }),
  from: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string().min(1) }).optional(),
  text: z.string().max(10_000).optional(),
  attachments: z.array(z.object({ contentType: z.string() })).max(10).optional(),
});
