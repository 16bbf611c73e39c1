import type { Activity } from 'botbuilder';
import { AuthenticationError, type BotFrameworkAuthentication } from 'botframework-connector';
import ipaddr from 'ipaddr.js';

/**
 * Who may talk to the Bot Framework endpoint:
 * - `token`: MICROSOFT_APP_ID is set; every request carries a valid Bot Framework token;
 * - `loopback`: no app id (local development, the Emulator, `npm run chat`); anonymous requests
 *   are taken from this machine only;
 * - `anyone`: no app id and BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE=true; anonymous requests from
 *   any address (a development set-up where the Emulator runs on another machine or container).
 */
export type BotFrameworkAccess = 'token' | 'loopback' | 'anyone';

export function botFrameworkAccess(config: { appId?: string | undefined; allowAnonymousRemote: boolean }): BotFrameworkAccess {
  return config.appId ? 'token' : config.allowAnonymousRemote ? 'anyone' : 'loopback';
}

/** What the service says at start-up about who may use the Bot Framework endpoint. */
export function accessNotice(access: BotFrameworkAccess): { level: 'info' | 'warn'; message: string } {
  switch (access) {
    case 'token':
      return { level: 'info', message: 'Bot Framework endpoint: every request needs a valid Bot Framework token (MICROSOFT_APP_ID is set)' };
    case 'loopback':
      return { level: 'info', message: 'Bot Framework endpoint: MICROSOFT_APP_ID is not set, so requests are not authenticated and are taken from this machine (loopback) only' };
    case 'anyone':
      return {
        level: 'warn',
        message:
          'Bot Framework endpoint: MICROSOFT_APP_ID is not set and BOT_FRAMEWORK_ALLOW_ANONYMOUS_REMOTE=true, so unauthenticated requests are taken from any address: anyone who reaches this port can talk as any Bot Framework user. For development only',
      };
  }
}

/**
 * Whether the peer is this machine (127.0.0.0/8, ::1, or either written as IPv4-mapped IPv6).
 * Judged from the socket's own address: a forwarded-for header is the client's word.
 */
export function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

/** jsonwebtoken's refusals, which the SDK's token extractor lets through as they are. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * The checks of a Bot Framework token that need no activity: its signature, issuer, audience (our
 * app id) and lifetime, made from the `Authorization` header alone so that a request without a
 * valid token is refused before its body is read. The SDK's own `authenticateRequest` does them;
 * given an empty channel id and service URL it skips the two checks that need the activity (the
 * signing key's endorsement of the channel id, the token's service URL claim), which the turn then
 * makes with the parsed activity (CloudAdapter.processActivity authenticates it again).
 * Resolves false for a missing or refused token; an error reaching the token service is thrown.
 */
export async function tokenAccepted(auth: BotFrameworkAuthentication, authHeader: string): Promise<boolean> {
  if (!authHeader.trim()) return false;
  try {
    await auth.authenticateRequest({ channelId: '', serviceUrl: '' } as Activity, authHeader);
    return true;
  } catch (err) {
    if (err instanceof AuthenticationError || (err instanceof Error && TOKEN_ERRORS.has(err.name))) return false;
    throw err;
  }
}
