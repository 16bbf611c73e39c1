import crypto from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { TicketService } from '../tickets/ticketService.js';

export interface TicketsRouterOptions {
  tickets: TicketService;
  /** Bearer token of the ticket API. Undefined or empty = the API is disabled (always 401). */
  token: string | undefined;
  /** Receives unexpected errors (never applicant data); the client only sees a 500. */
  onError?: (err: unknown) => void;
}

/** ITSM-20261124-00001, APKT-20261124-00001; accepted in any case, looked up upper-case. */
const ticketNumberSchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{2,6}-\d{8}-\d{5}$/i)
  .transform((s) => s.toUpperCase());

const WWW_AUTHENTICATE = 'Bearer realm="pln123-tickets"';

/**
 * `GET /api/tickets/:number`: a ticket (ITSM number, or the number of its APKT record) as
 * `TicketView` JSON, for the contact centre's own tools. It carries the applicant's personal data,
 * so it always requires `Authorization: Bearer <token>`.
 */
export function createTicketsRouter(opts: TicketsRouterOptions): express.Router {
  const router = express.Router();
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

  return router;
}

type Verdict = 'ok' | 'missing' | 'invalid';

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are reduced to HMAC-SHA256
 * digests under a per-process random key, so `timingSafeEqual` always compares 32 bytes and the
 * comparison leaks neither the token's content nor its length.
 */
function bearerChecker(token: string | undefined): (header: string | undefined) => Verdict {
  // No token configured: the API is disabled and every request is refused. It is never open by
  // default, since a ticket holds the applicant's name, phone and email.
  if (token === undefined || token.trim() === '') {
    return (header) => (header ? 'invalid' : 'missing');
  }
  const key = crypto.randomBytes(32);
  const digest = (s: string) => crypto.createHmac('sha256', key).update(s, 'utf8').digest();
  const expected = digest(token);
  return (header) => {
    if (!header) return 'missing';
    const m = /^Bearer[ \t]+(.+?)[ \t]*$/i.exec(header);
    if (!m?.[1]) return 'invalid';
    return crypto.timingSafeEqual(digest(m[1]), expected) ? 'ok' : 'invalid';
  };
}
