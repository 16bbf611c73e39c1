/**
 * A terminal chat with the running service through its Bot Framework endpoint (`/api/messages`
 * with `deliveryMode: "expectReplies"`), so anyone can try the whole conversation after
 * `npm start`.
 *
 *   npm run chat                      # talks to http://localhost:3978
 *   BOT_URL=http://host:port npm run chat
 *   npm run chat -- --channel whatsapp  # behave like a social-media channel (photo required)
 *
 * Type a number to pick a suggested choice, `/foto <file>` to send a photo, `/quit` to leave.
 *
 * Messages that arrive outside a turn (an officer writing from the console at /agent, the bot
 * resuming after the officer hands back) are posted by the service to this chat's own small
 * Bot Connector endpoint on 127.0.0.1, which prints them as they come.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const botUrl = (process.env.BOT_URL ?? `http://localhost:${process.env.PORT ?? 3978}`).replace(/\/$/, '');
const argChannel = process.argv.indexOf('--channel');
const channelId = argChannel > 0 ? (process.argv[argChannel + 1] ?? 'chat') : 'chat';
const conversationId = `chat-${randomUUID()}`;
const user = { id: `user-${randomUUID().slice(0, 8)}`, name: 'Pengguna' };
const bot = { id: 'pln123-bot', name: 'PLN 123' };

interface ReplyActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
}

let choices: Array<{ title: string; value: string }> = [];
/** Where the service posts messages sent outside a turn; set once the local connector listens. */
let serviceUrl = botUrl;

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif', '.pdf': 'application/pdf' };

async function send(text: string, attachments?: Array<{ contentType: string; contentUrl: string; name: string }>): Promise<void> {
  const activity = {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId,
    serviceUrl,
    from: user,
    recipient: bot,
    conversation: { id: conversationId },
    locale: 'id-ID',
    deliveryMode: 'expectReplies',
    text,
    ...(attachments ? { attachments } : {}),
  };
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (!res.ok) {
    // E.g. 403 local_only: without MICROSOFT_APP_ID the service takes chats from its own machine only.
    const why = ((await res.json().catch(() => ({}))) as { message?: unknown }).message;
    console.log(`! The service answered HTTP ${res.status}${typeof why === 'string' ? `: ${why}` : ''}`);
    return;
  }
  const body = (await res.json()) as { activities?: ReplyActivity[] };
  choices = [];
  for (const reply of body.activities ?? []) print(reply);
}

function print(reply: ReplyActivity, who = 'PLN 123'): void {
  if (reply.type !== 'message') return;
  console.log(`\n${who.padEnd(7)} > ${(reply.text ?? '').replace(/\n/g, '\n          ')}`);
  const actions = reply.suggestedActions?.actions ?? [];
  if (actions.length) {
    choices = actions;
    console.log(`          ${actions.map((a, i) => `[${i + 1}] ${a.title}`).join('  ')}`);
  }
}

/** A minimal Bot Connector: the service posts proactive activities to /v3/conversations/:id/activities[/:replyTo]. */
function startConnector(onActivity: (activity: ReplyActivity & { from?: { name?: string } }) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
        try {
          onActivity(JSON.parse(body) as ReplyActivity);
        } catch {
          // not an activity: ignore
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: randomUUID() }));
    });
  });
  server.unref();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function photoAttachment(file: string) {
  const data = fs.readFileSync(file);
  const contentType = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return [{ contentType, contentUrl: `data:${contentType};base64,${data.toString('base64')}`, name: path.basename(file) }];
}

async function main(): Promise<void> {
  console.log(`Chat with PLN 123 at ${botUrl} (channel "${channelId}"). Type /quit to leave, /foto <file> to send a photo.`);
  try {
    await fetch(`${botUrl}/healthz`);
  } catch {
    console.log(`! Cannot reach ${botUrl}. Start the service first: npm start`);
    process.exit(1);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  serviceUrl = await startConnector((activity) => {
    print(activity);
    // The prompt starts with a line break, so redrawing it clears one line above: give it a blank one.
    if (process.stdin.isTTY) console.log('');
    rl.prompt(true);
  });
  rl.setPrompt('\nAnda   > ');
  rl.prompt();
  for await (const line of rl) {
    const input = line.trim();
    if (!process.stdin.isTTY) console.log(input);
    if (input === '/quit' || input === '/keluar') break;
    try {
      if (input.startsWith('/foto ')) {
        await send('', photoAttachment(input.slice(6).trim()));
      } else if (/^\d+$/.test(input) && choices[Number(input) - 1]) {
        await send(choices[Number(input) - 1]!.value);
      } else if (input) {
        await send(input);
      }
    } catch (err) {
      console.log(`! ${err instanceof Error ? err.message : String(err)}`);
    }
    rl.prompt();
  }
  rl.close();
}

void main();
