import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { jsonBody } from '../core/jsonBody.js';
import { CATALOG } from '../../dialogs/catalog.js';
import { provinceNames } from '../../dialogs/fields/index.js';
import type { AgentAuth, AgentLocals } from './agentAuth.js';
import type { HandoffBus } from './handoffBus.js';
import type { DeskResult, HandoffDesk } from './handoffDesk.js';
import type { SessionStore } from './sessionStore.js';
import { OFFICER_FILE_MAX_BYTES } from './officerFiles.js';
import type { HandoffEvent } from './types.js';

export interface AgentRouterOptions {
  auth: AgentAuth;
  desk: HandoffDesk;
  bus: HandoffBus;
  sessions: Pick<SessionStore, 'get'>;
  /** The file to send for GET /agent/api/photos/:file, or null (404); may make a thumbnail first. */
  photoPath: (fileName: string) => Promise<string | null>;
  onError: (err: unknown) => void;
  /** How often an idle event stream is pinged (and its session re-checked). */
  pingMs?: number;
}

/** The longest text an officer can send in one message (WhatsApp allows 4096; Messenger splits at 2000). */
export const AGENT_REPLY_MAX = 2000;

const replySchema = z.object({ text: z.string().trim().min(1).max(AGENT_REPLY_MAX) }).strict();
const fieldText = z.string().max(200).optional();
const ticketSchema = z
  .object({
    kind: z.enum(['seller', 'complaint']),
    catalogNumber: z.number().int().min(1).max(40).optional(),
    fields: z
      .object({ name: fieldText, businessName: fieldText, productType: fieldText, city: fieldText, province: fieldText, phone: fieldText, email: fieldText })
      .strict(),
    description: z.string().max(2000).optional(),
    followUp: z.boolean().optional(),
    keepEmailAsTyped: z.boolean().optional(),
  })
  .strict();

const STATUS: Record<string, number> = {
  not_found: 404,
  already_taken: 409,
  not_holder: 409,
  already_filed: 409,
  not_failed: 409,
  officer_offline: 409,
  unsupported_file: 415,
  channel_refuses_file: 415,
  too_large: 413,
};
const transferSchema = z.object({ to: z.string().trim().min(1).max(64) }).strict();

/**
 * The agent console's JSON API and live event stream under /agent/api. Reading needs a session;
 * every change needs the session's CSRF token too. Customer text is returned as JSON strings and
 * the console renders it as text only.
 */
export function createAgentRouter(options: AgentRouterOptions): Router {
  const { auth, desk, bus } = options;
  const follow = consoleFeed(bus, desk, options.onError);
  const router = express.Router();
  const json = jsonBody('16kb');
  const change = [auth.requireSession, auth.requireCsrf, json];
  router.use('/agent/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(auth.router);

  const safely =
    (handler: (req: Request, res: Response<unknown, AgentLocals>) => Promise<void>): RequestHandler =>
    async (req, res, next) => {
      try {
        await handler(req, res as Response<unknown, AgentLocals>);
      } catch (err) {
        options.onError(err);
        if (!res.headersSent) res.status(500).json({ error: 'internal_error' });
        else next(err);
      }
    };

  router.get('/agent/api/handoffs', auth.requireSession, safely(async (_req, res) => {
    res.json({ handoffs: await desk.list() });
  }));

  router.get('/agent/api/history', auth.requireSession, safely(async (_req, res) => {
    res.json(await desk.history());
  }));

  router.get('/agent/api/search', auth.requireSession, safely(async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    res.json({ handoffs: await desk.search(q) });
  }));

  router.get('/agent/api/handoffs/:id', auth.requireSession, safely(async (req, res) => {
    const id = idOf(req);
    const detail = id === null ? null : await desk.detail(id);
    if (!detail) res.status(404).json({ error: 'not_found' });
    else res.json(detail);
  }));

  router.get('/agent/api/catalog', auth.requireSession, (_req, res) => {
    res.json({ entries: CATALOG.map((e) => ({ number: e.number, label: e.label, group: e.group })), provinces: provinceNames() });
  });

  router.get('/agent/api/photos/:file', auth.requireSession, safely(async (req, res) => {
    let file: string | null;
    try {
      // A thumbnail is made on its first request (src/media/photoStore.ts).
      file = await options.photoPath(String(req.params.file));
    } catch (err) {
      options.onError(err);
      file = null;
    }
    if (file === null) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(file, { headers: { 'Cache-Control': 'private, max-age=3600' } }, (err) => {
      if (err && !res.headersSent) res.status(404).json({ error: 'not_found' });
    });
  }));

  router.post('/agent/api/handoffs/:id/take', ...change, safely(async (req, res) => {
    answer(res, await withId(req, (id) => desk.take(id, res.locals.officer)), (handoff) => ({ handoff }));
  }));

  router.post('/agent/api/handoffs/:id/reply', ...change, safely(async (req, res) => {
    const body = replySchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    answer(res, await withId(req, (id) => desk.reply(id, res.locals.officer, body.data.text)), (value) => value);
  }));

  router.post('/agent/api/handoffs/:id/messages/:entryId/resend', ...change, safely(async (req, res) => {
    const entryId = Number(req.params.entryId);
    if (!Number.isSafeInteger(entryId) || entryId <= 0) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    answer(res, await withId(req, (id) => desk.resend(id, res.locals.officer, entryId)), (value) => value);
  }));

  // The file's bytes as the body (any type: it is read by its bytes), its name and caption in headers.
  router.post(
    '/agent/api/handoffs/:id/files',
    auth.requireSession,
    auth.requireCsrf,
    express.raw({ type: () => true, limit: OFFICER_FILE_MAX_BYTES }),
    safely(async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fileName = decodeHeader(req.get('x-file-name')) ?? 'berkas';
      const caption = (decodeHeader(req.get('x-caption')) ?? '').slice(0, AGENT_REPLY_MAX);
      answer(res, await withId(req, (id) => desk.sendFile(id, res.locals.officer, bytes, fileName, caption)), (value) => value);
    }),
  );

  router.post('/agent/api/handoffs/:id/notes', ...change, safely(async (req, res) => {
    const body = replySchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    answer(res, await withId(req, (id) => desk.note(id, res.locals.officer, body.data.text)), (entry) => ({ entry }));
  }));

  router.get('/agent/api/officers', auth.requireSession, safely(async (_req, res) => {
    res.json({ officers: await desk.colleagues(res.locals.officer) });
  }));

  router.post('/agent/api/handoffs/:id/transfer', ...change, safely(async (req, res) => {
    const body = transferSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    answer(res, await withId(req, (id) => desk.transfer(id, res.locals.officer, body.data.to)), (handoff) => ({ handoff }));
  }));

  router.post('/agent/api/handoffs/:id/ticket', ...change, safely(async (req, res) => {
    const body = ticketSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    const result = await withId(req, (id) => desk.fileTicket(id, res.locals.officer, body.data));
    if (!result.ok && result.error === 'invalid_fields') {
      res.status(400).json({ error: 'invalid_fields', fields: result.fields, messages: result.messages, suggestions: result.suggestions });
      return;
    }
    answer(res, result as DeskResult<{ itsmNumber: string; apktNumber: string }>, (ticket) => ({ ticket }));
  }));

  router.post('/agent/api/handoffs/:id/handback', ...change, safely(async (req, res) => {
    answer(res, await withId(req, (id) => desk.handBack(id, res.locals.officer)), (handoff) => ({ handoff }));
  }));

  router.post('/agent/api/handoffs/:id/close', ...change, safely(async (req, res) => {
    answer(res, await withId(req, (id) => desk.close(id, res.locals.officer)), (handoff) => ({ handoff }));
  }));

  router.get('/agent/api/events', auth.requireSession, (req, res) => {
    const { token } = (res.locals as AgentLocals).session;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    // One chain per stream, so the events reach the console in the order they happened.
    let chain = Promise.resolve();
    const unsubscribe = follow((message) => {
      chain = chain.then(async () => {
        const text = await message;
        if (text !== null && !res.writableEnded) res.write(text);
      });
    });
    // A signed-out or expired session stops receiving at the next ping. A store that cannot say
    // ends the stream too (reported): the console reconnects, and the sign-in check runs again.
    let checking = false;
    const ping = setInterval(() => {
      if (checking || res.writableEnded) return;
      checking = true;
      options.sessions
        .get(token)
        .then(
          (session) => {
            if (res.writableEnded) return;
            if (!session) res.end();
            else res.write('event: ping\ndata: {}\n\n');
          },
          (err: unknown) => {
            options.onError(err);
            res.end();
          },
        )
        .finally(() => {
          checking = false;
        });
    }, options.pingMs ?? 25_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  return router;
}

/**
 * One subscription to the bus for all open streams: each event becomes its stream message once
 * (a handoff's summary costs about six queries) and every console gets that same message, however
 * many are open. A summary that fails is reported once and that event skipped.
 */
function consoleFeed(bus: HandoffBus, desk: Pick<HandoffDesk, 'summary'>, onError: (err: unknown) => void) {
  const streams = new Set<(message: Promise<string | null>) => void>();
  let unsubscribe: (() => void) | null = null;
  const messageOf = async (event: HandoffEvent): Promise<string | null> => {
    try {
      const [name, data] = event.type === 'transcript' ? ['transcript', event.entry] : ['handoff', await desk.summary(event.handoff)];
      return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    } catch (err) {
      onError(err);
      return null;
    }
  };
  return (stream: (message: Promise<string | null>) => void): (() => void) => {
    streams.add(stream);
    unsubscribe ??= bus.subscribe((event) => {
      const message = messageOf(event);
      for (const each of streams) each(message);
    });
    return () => {
      streams.delete(stream);
      if (streams.size > 0) return;
      unsubscribe?.();
      unsubscribe = null;
    };
  };
}

/** A header the console sent URI-encoded (names and captions may hold any character); undefined when absent or malformed. */
function decodeHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function idOf(req: Request): number | null {
  const id = Number(req.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

async function withId<T>(req: Request, work: (id: number) => Promise<T>): Promise<T | { ok: false; error: 'not_found' }> {
  const id = idOf(req);
  return id === null ? { ok: false, error: 'not_found' } : work(id);
}

function answer<T>(res: Response, result: DeskResult<T> | { ok: false; error: 'not_found' }, body: (value: T) => unknown): void {
  if (result.ok) {
    res.json(body(result.value));
    return;
  }
  const extra = 'officer' in result ? { officer: result.officer } : 'ticket' in result ? { ticket: result.ticket } : {};
  res.status(STATUS[result.error] ?? 400).json({ error: result.error, ...extra });
}
