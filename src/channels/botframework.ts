import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import {
  AuthenticationError,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { z } from 'zod';
import { BOT_FRAMEWORK, enterTurn } from '../bot/entryPoint.js';
import type { AppConfig } from '../config.js';
import { botFrameworkAccess, isLoopback, tokenAccepted, type BotFrameworkAccess } from './botFrameworkAccess.js';

/**
 * The Bot Framework channel (Emulator, Web Chat, Teams, Direct Line, `npm run chat`). With no app
 * id configured the adapter accepts unauthenticated requests, which is what local use needs, and
 * by default only from this machine (see BotFrameworkAccess); in production set MICROSOFT_APP_ID /
 * MICROSOFT_APP_PASSWORD and every request must carry a valid Bot Framework token.
 * `deliveryMode: "expectReplies"` is handled by the adapter itself: the replies come back in the
 * HTTP response instead of being posted to the channel.
 */
export function createBotFrameworkAdapter(config: AppConfig['botFramework']): BotFrameworkAdapter {
  const auth = new ReusingBotFrameworkAuthentication({
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId ?? '',
  });
  return new BotFrameworkAdapter(auth, botFrameworkAccess(config));
}

/** The answer to an anonymous request from another machine when only this one may send them. */
const LOCAL_ONLY = {
  error: 'local_only',
  message: 'Without MICROSOFT_APP_ID this endpoint takes anonymous requests from this machine only.',
} as const;

/** How one request to the Bot Framework endpoint ended: the HTTP status and body to answer. */
export interface EndpointResponse {
  status: number;
  body?: unknown;
}

/**
 * The SDK's CloudAdapter with the HTTP part done by us. `CloudAdapter.process(req, res)` checks
 * the request and the response objects with zod schemas it builds anew on every request (and
 * walks the whole activity, data-URL photo included, twice): a tenth of a turn's CPU for checks
 * our own schema has already made. Here the body checked by `incomingActivitySchema` goes straight
 * to the SDK's turn processing (authentication, TurnContext, expectReplies buffering), and the
 * answer is what `process` would have answered.
 */
export class BotFrameworkAdapter extends CloudAdapter {
  constructor(
    auth: ConfigurationBotFrameworkAuthentication,
    readonly access: BotFrameworkAccess,
  ) {
    super(auth);
  }

  /**
   * Whether a request may be read at all, decided from its headers and its peer before its body is
   * read: with an app id, the token (all of its checks that need no activity); without, the peer
   * must be this machine unless anonymous remote requests are allowed. Null: read it.
   */
  async admit(authHeader: string, remoteAddress: string | undefined): Promise<EndpointResponse | null> {
    if (this.access === 'token') return (await tokenAccepted(this.botFrameworkAuthentication, authHeader)) ? null : { status: 401, body: { error: 'unauthorized' } };
    if (this.access === 'loopback' && !isLoopback(remoteAddress)) return { status: 403, body: LOCAL_ONLY };
    return null;
  }

  async handle(activity: Activity, authHeader: string, bot: (context: TurnContext) => Promise<void>): Promise<EndpointResponse> {
    // The bot learns the turn came through this endpoint from the adapter, not from the activity.
    const logic = (context: TurnContext) => {
      enterTurn(context, BOT_FRAMEWORK);
      return bot(context);
    };
    try {
      const invokeResponse: InvokeResponse | undefined = await this.processActivity(authHeader, withDates(activity), logic);
      return { status: invokeResponse?.status ?? 200, ...(invokeResponse?.body !== undefined ? { body: invokeResponse.body } : {}) };
    } catch (err) {
      if (err instanceof AuthenticationError) return { status: 401, body: { error: 'unauthorized' } };
      throw err;
    }
  }
}

/** The activity's date fields as Dates, the raw strings kept beside them (what the SDK's own `validateAndFixActivity` does). */
function withDates(activity: Activity): Activity {
  const raw = activity as Activity &
    Record<'timestamp' | 'expiration' | 'localTimestamp', Date | string | undefined> &
    Partial<Record<'rawTimestamp' | 'rawExpiration' | 'rawLocalTimestamp', string>>;
  if (typeof raw.timestamp === 'string') {
    raw.rawTimestamp = raw.timestamp;
    activity.timestamp = new Date(raw.timestamp);
  }
  if (typeof raw.expiration === 'string') {
    raw.rawExpiration = raw.expiration;
    activity.expiration = new Date(raw.expiration);
  }
  if (typeof raw.localTimestamp === 'string') {
    raw.rawLocalTimestamp = raw.localTimestamp;
    activity.localTimestamp = new Date(raw.localTimestamp);
  }
  return activity;
}

/**
 * The SDK's authentication, except that the clients it makes for a turn are made once and reused.
 * Out of the box, every incoming activity builds a new ConnectorClient and a new UserTokenClient
 * (each an Azure HTTP pipeline), even for `expectReplies` turns that never use them: that was a
 * fifth of a turn's CPU. A client holds no per-turn state (its credentials cache their own
 * token), so one per app id and service URL serves every turn.
 */
class ReusingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new BoundedCache<Promise<ConnectorClient>>(256);
  private readonly tokenClients = new BoundedCache<Promise<UserTokenClient>>(16);

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.claimsIdentity, result.connectorFactory) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private reusing(claimsIdentity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    const connectors = this.connectors;
    const appId = appIdOf(claimsIdentity);
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return connectors.get(`${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience));
      }
    })();
  }
}

const appIdOf = (claimsIdentity: ClaimsIdentity): string => JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';

/** Promises by key, made once; a rejected one is forgotten (the next turn tries again); the oldest go past `max`. */
class BoundedCache<T extends Promise<unknown>> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly max: number) {}

  get(key: string, make: () => T): T {
    const found = this.entries.get(key);
    if (found) return found;
    const made = make();
    made.catch(() => {
      if (this.entries.get(key) === made) this.entries.delete(key);
    });
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, made);
    return made;
  }
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
