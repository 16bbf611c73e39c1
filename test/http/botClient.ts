import { randomUUID } from 'node:crypto';

export interface BotReply {
  type: string;
  text?: string;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
}

export interface BotActivity extends BotReply {
  name?: string;
  value?: unknown;
  attachments?: Array<{ contentType: string; name?: string; content?: unknown }>;
}

export interface SendOptions {
  id?: string;
  attachments?: unknown[];
  /** Sent as the activity's channelData, which the client writes as it likes. */
  channelData?: unknown;
}

/** A user talking to the service through /api/messages with deliveryMode "expectReplies", as `npm run chat` does. */
export class BotClient {
  constructor(
    readonly baseUrl: string,
    readonly conversationId = `conv-${randomUUID()}`,
    readonly channelId = 'emulator',
    /** Where the bot posts proactive messages (officers' replies); a fake connector in tests. */
    readonly serviceUrl = baseUrl,
  ) {}

  /** `replies` are the message activities; `activities` everything the bot answered (events too). */
  async send(text: string, opts: SendOptions = {}): Promise<{ status: number; replies: BotReply[]; activities: BotActivity[] }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: opts.id ?? randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: this.channelId,
        serviceUrl: this.serviceUrl,
        from: { id: 'user-1', name: 'Budi' },
        recipient: { id: 'bot', name: 'PLN 123' },
        conversation: { id: this.conversationId },
        deliveryMode: 'expectReplies',
        text,
        ...(opts.attachments ? { attachments: opts.attachments } : {}),
        ...(opts.channelData !== undefined ? { channelData: opts.channelData } : {}),
      }),
    });
    const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { activities?: BotActivity[] }) : {};
    const activities = body.activities ?? [];
    return { status: res.status, replies: activities.filter((a) => a.type === 'message'), activities };
  }

  /** The texts of the replies to `text`. */
  async say(text: string, opts: SendOptions = {}): Promise<string[]> {
    const { status, replies } = await this.send(text, opts);
    if (status !== 200) throw new Error(`HTTP ${status}`);
    return replies.map((r) => r.text ?? '');
  }
}
