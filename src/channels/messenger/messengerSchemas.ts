import { z } from 'zod';

/**
 * zod schemas for the Messenger Platform webhook envelope, shared by Messenger (`object: "page"`)
 * and Instagram messaging (`object: "instagram"`). Every object is loose: Meta adds fields all
 * the time, and an unknown field must never make us drop a user's message. Each level is parsed
 * on its own (envelope, entry, event, message), so one odd event costs only itself.
 */

/** Page, IG account, PSID and IGSID ids are strings; a number is tolerated and turned into one. */
const graphId = z.union([z.string().min(1), z.number().transform(String)]);

/** Timestamps are milliseconds as numbers; a numeric string is tolerated. */
const millis = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** `{ object, entry: [...] }`: the only level whose failure makes the body "not ours". */
export const envelopeSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.unknown()),
});

/** One `entry[]` item: a Page / IG account with its event lists. */
export const entrySchema = z.looseObject({
  id: graphId.optional().catch(undefined),
  time: millis.optional().catch(undefined),
  messaging: z.array(z.unknown()).optional(),
  /** Events of threads another app owns (handover / Conversation Routing): not ours to answer. */
  standby: z.array(z.unknown()).optional(),
  /** Instagram comments / mentions and other Graph "changes" fields. */
  changes: z.array(z.unknown()).optional(),
});

/** One `messaging[]` item. Its kind is decided by which key it carries (message, postback, ...). */
export const messagingEventSchema = z.looseObject({
  sender: z.looseObject({ id: graphId }),
  recipient: z.looseObject({ id: graphId }),
  /** Absent on some `delivery` events. */
  timestamp: millis.optional(),
  message: z.unknown().optional(),
  postback: z.unknown().optional(),
});

export const attachmentSchema = z.looseObject({
  type: z.string().min(1),
  /** `null` on some `fallback` attachments (unsupported shares). */
  payload: z
    .looseObject({
      url: z.string().optional(),
      /** Messenger marks stickers with it (on `image` until 2026-08-30, and on `sticker`). */
      sticker_id: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
});

/** `message` of a messaging event. `attachments` items are parsed one by one (see attachmentSchema). */
export const messageSchema = z.looseObject({
  mid: z.string().min(1),
  text: z.string().optional(),
  quick_reply: z.looseObject({ payload: z.union([z.string(), z.number().transform(String)]).optional() }).optional(),
  attachments: z.array(z.unknown()).optional(),
  /** Legacy Messenger: the sticker id on the message itself (e.g. the "like" thumb). */
  sticker_id: z.union([z.number(), z.string()]).nullish(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
});

/** `postback` of a messaging event (buttons, Get Started, IG ice breakers). `mid` since v11.0. */
export const postbackSchema = z.looseObject({
  mid: z.string().min(1).optional(),
  title: z.string().optional(),
  payload: z.union([z.string(), z.number().transform(String)]),
});

export type MessengerMessage = z.infer<typeof messageSchema>;
export type MessengerAttachment = z.infer<typeof attachmentSchema>;
