import express from 'express';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { TicketService } from '../tickets/ticketService.js';
import { REPLY_AUTHOR_MAX, REPLY_STATUS_MAX, REPLY_TEXT_MAX, type TicketReply, type TicketView } from '../tickets/types.js';
import { bearerChecker } from './bearerToken.js';
import { jsonBody } from '../core/jsonBody.js';

export interface TicketsRouterOptions {
  tickets: Pick<TicketService, 'get' | 'addReply'>;
  /** Bearer token of the ticket API. Undefined or empty = the API is disabled (always 401). */
  token: string | undefined;
  /** Receives unexpected errors (never applicant data); the client only sees a 500. */
  onError?: (err: unknown) => void;
  /**
   * Called once a support reply is stored, after the answer is sent: starts notifying the
   * applicant (see TicketNotifier.enqueue). Must not block; whatever it throws is reported to
   * onError and never reaches the client.
   */
  onReply?: (ticket: TicketView, reply: TicketReply) => void;
}

/** A support-team reply as posted by the ITSM side; unknown fields are refused (a typo must not drop a status). */
const replyBodySchema = z
  .object({
    text: z.string().trim().min(1).max(REPLY_TEXT_MAX),
    author: z.string().trim().min(1).max(REPLY_AUTHOR_MAX),
    status: z.string().trim().min(1).max(REPLY_STATUS_MAX).optional(),
  })
  .strict();

/** Room for 4000 characters of text even if every one is a 4-byte UTF-8 character, plus JSON. */
const REPLY_BODY_LIMIT = '64kb';

/** ITSM-20261124-00001, APKT-20261124-00001; accepted in any case, looked up upper-case. */
const ticketNumberSchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{2,6}-\d{8}-\d{5}$/i)
  .transform((s) => s.toUpperCase());

const WWW_AUTHENTICATE = 'Bearer realm="pln123-tickets"';

/**
 * The ticket API for the contact centre's own tools and the ITSM side. Every route requires
 * `Authorization: Bearer <token>` (tickets carry the applicant's personal data):
 * - `GET /api/tickets/:number`: a ticket (ITSM number, or the number of its APKT record) as
 *   `TicketView` JSON, with its priority and the support team's replies;
 * - `POST /api/tickets/:number/replies`: a support-team reply (below).
 */
export function createTicketsRouter(opts: TicketsRouterOptions): express.Router {
  const router = express.Router();
  // No token configured: the API refuses every request. It is never open by default, since a
  // ticket holds the applicant's name, phone and email.
  const authorized = bearerChecker(opts.token);

  router.use('/api/tickets', (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    const verdict = authorized(req.get('authorization'));
    if (verdict === 'ok') return next();
    res.set('WWW-Authenticate', verdict === 'invalid' ? `${WWW_AUTHENTICATE}, error="invalid_token"` : WWW_AUTHENTICATE);
    res.status(401).json({ error: 'unauthorized' });
  });

  router.get('/api/tickets/:number', async (req: Request<{ number: string }>, res: Response) => {
    const parsed = ticketNumberSchema.safeParse(req.params.number);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_number' });
      return;
    }
    try {
      const ticket = await opts.tickets.get(parsed.data);
      if (!ticket) {
        res.status(404).json({ error: 'not_found' });
        return;
      }
      res.status(200).json(ticket);
    } catch (err) {
      opts.onError?.(err);
      res.status(500).json({ error: 'internal_error' });
    }
  });

  /**
   * `POST /api/tickets/:number/replies` `{ text, author, status? }`: stores what the Marketplace
   * support team wrote (SOP 1f), moves the ticket to `status` if given, answers 200 with the
   * updated TicketView, and only then starts notifying the applicant (onReply), so a slow channel
   * or mail server never holds the answer. 400 bad number or body, 401, 404 unknown number.
   */
  router.post(
    '/api/tickets/:number/replies',
    jsonBody(REPLY_BODY_LIMIT),
    async (req: Request<{ number: string }>, res: Response) => {
      const parsed = ticketNumberSchema.safeParse(req.params.number);
      if (!parsed.success) {
        res.status(400).json({ error: 'invalid_number' });
        return;
      }
      const body = replyBodySchema.safeParse(req.body);
      if (!body.success) {
        // Paths and messages only: zod's issues never echo the submitted values.
        res.status(400).json({ error: 'invalid_body', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
        return;
      }
      let ticket: TicketView | null;
      try {
        ticket = await opts.tickets.addReply(parsed.data, body.data);
      } catch (err) {
        opts.onError?.(err);
        res.status(500).json({ error: 'internal_error' });
        return;
      }
      if (!ticket) {
        res.status(404).json({ error: 'not_found' });
        return;
      }
      res.status(200).json(ticket);
      const reply = ticket.replies[ticket.replies.length - 1];
      if (!reply || !opts.onReply) return;
      try {
        opts.onReply(ticket, reply);
      } catch (err) {
        opts.onError?.(err);
      }
    },
  );

  router.use('/api/tickets', bodyErrors);
  return router;
}

/** The JSON body parser's refusals as this API's own JSON errors (also when mounted without the app's handler). */
const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') {
    res.status(413).json({ error: 'payload_too_large' });
    return;
  }
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    res.status(400).json({ error: 'invalid_body' });
    return;
  }
  next(err);
};
