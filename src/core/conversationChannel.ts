/**
 * How a conversation's channel is written wherever it is kept: in the conversation key
 * (`<channel>:<conversation id>`), the conversation's context, its tickets, handoff and transcript,
 * and the Bot Framework reference store.
 *
 * - A conversation of a Meta webhook carries the Meta channel's name (`whatsapp`, `messenger`,
 *   `instagram`), as it always has: only a request signed by Meta reaches it.
 * - A conversation of the Bot Framework endpoint carries `bf:<channelId>` (`bf:webchat`,
 *   `bf:msteams`, `bf:whatsapp` for `npm run chat -- --channel whatsapp`). The channel id and the
 *   conversation id come from the client, so they are kept apart from every Meta conversation: a
 *   Bot Framework client naming itself "whatsapp" with someone's number reaches `bf:whatsapp:<number>`,
 *   a conversation only that endpoint could have made, never the person's WhatsApp conversation.
 *
 * Bot Framework conversations stored before the prefix (`webchat:<id>`) are not renamed: their next
 * message starts a new conversation under `bf:webchat:<id>`. An officer can still answer a handoff
 * opened under the old key, through the reference stored under it (src/channels/outboundMessenger.ts).
 */
export const BOT_FRAMEWORK_PREFIX = 'bf:';

/** The channel of a conversation that came through the Bot Framework endpoint with this channel id. */
export function botFrameworkChannel(channelId: string): string {
  return `${BOT_FRAMEWORK_PREFIX}${channelId}`;
}

/** Whether the conversation came through the Bot Framework endpoint. */
export function isBotFrameworkChannel(channel: string): boolean {
  return channel.startsWith(BOT_FRAMEWORK_PREFIX);
}

/**
 * What the customer's app is, whichever way it came in: `whatsapp` for both `whatsapp` and
 * `bf:whatsapp`. For what the dialog asks (a product photo on social media), never for deciding
 * whom a message reaches.
 */
export function channelIdOf(channel: string): string {
  return isBotFrameworkChannel(channel) ? channel.slice(BOT_FRAMEWORK_PREFIX.length) : channel;
}
