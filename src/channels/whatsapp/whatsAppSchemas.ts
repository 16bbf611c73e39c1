import { z } from 'zod';

/**
 * zod schemas for the WhatsApp Cloud API webhook (`object: "whatsapp_business_account"`).
 *
 * Every object is loose: Meta adds fields all the time (`url` on media since 2025-11, BSUIDs since
 * 2026-04, ...), and an unknown field must never make us drop a user's message. Each level is
 * parsed on its own (envelope, entry, change, value, message, and the type-specific object), so
 * one odd item costs only itself. Shapes: /work/shared/CHANNELS.md section 3.1 and Meta's
 * "messages webhook reference" pages (text, image, document, interactive, button, reaction,
 * system, unsupported, status, errors).
 */

/** Ids Meta sends as strings; a number is tolerated and turned into one. */
const graphId = z.union([z.string().min(1), z.number().transform(String)]);

/** Unix seconds as a string of digits ("1749416383"); a number is tolerated. */
const unixSeconds = z.union([z.string().regex(/^\d+$/).transform(Number), z.number().int().nonnegative()]);

/** `{ object, entry: [...] }`: the only level whose failure makes the body "not a WhatsApp webhook". */
export const envelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.unknown()),
});

/** One `entry[]` item: a WhatsApp Business Account (`id` = WABA id) with its changes. */
export const entrySchema = z.looseObject({
  id: graphId.optional().catch(undefined),
  changes: z.array(z.unknown()).optional(),
});

/** One `changes[]` item. Only `field: "messages"` carries user messages. */
export const changeSchema = z.looseObject({
  field: z.string(),
  value: z.unknown(),
});

/** The `value` of a `messages` change. The item lists are parsed one item at a time. */
export const valueSchema = z.looseObject({
  metadata: z.looseObject({
    /** Our business number: route (and filter) by it. */
    phone_number_id: graphId,
    display_phone_number: z.string().optional().catch(undefined),
  }),
  contacts: z.array(z.unknown()).optional().catch(undefined),
  messages: z.array(z.unknown()).optional(),
  /** Lifecycle of OUR sends: sent / delivered / read / failed / played. */
  statuses: z.array(z.unknown()).optional(),
  /** System-, app- or account-level problems. */
  errors: z.array(z.unknown()).optional(),
});

/** One `contacts[]` item: the sender's profile. `user_id` is the business-scoped user id (BSUID). */
export const contactSchema = z.looseObject({
  wa_id: z.string().optional().catch(undefined),
  user_id: z.string().optional().catch(undefined),
  profile: z.looseObject({ name: z.string().optional().catch(undefined) }).optional().catch(undefined),
});

/**
 * The common part of one `messages[]` item. `from` (the wa_id digits) may be left out for a user
 * who adopted a username; `from_user_id` (BSUID) then identifies them.
 */
export const messageSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().min(1).optional().catch(undefined),
  from_user_id: z.string().min(1).optional().catch(undefined),
  timestamp: unixSeconds,
  type: z.string().min(1),
  /** Present on messages sent in a WhatsApp group the business is part of. */
  group_id: z.string().optional().catch(undefined),
});

/** `text` of a `type: "text"` message. */
export const textSchema = z.looseObject({ body: z.string() });

const replySchema = z.looseObject({ id: z.string().min(1), title: z.string().optional() });

/** `interactive` of a tap on one of our reply buttons or list rows. */
export const interactiveSchema = z.looseObject({
  type: z.string(),
  button_reply: replySchema.optional().catch(undefined),
  list_reply: replySchema.optional().catch(undefined),
});

/** `button` of a tap on a template's quick-reply button. */
export const templateButtonSchema = z.looseObject({
  payload: z.string().optional(),
  text: z.string().optional(),
});

/** `image` / `document` (and the other media types): `url` (since 2025-11) and `sha256` are not used. */
export const mediaSchema = z.looseObject({
  id: z.string().min(1),
  mime_type: z.string().optional().catch(undefined),
  caption: z.string().optional().catch(undefined),
  filename: z.string().optional().catch(undefined),
});

export type WhatsAppContact = z.infer<typeof contactSchema>;
export type WhatsAppMessage = z.infer<typeof messageSchema>;
