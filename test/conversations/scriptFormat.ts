import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The format of test/conversations/README.md, checked strictly: a key the runner does not know is an error, not a silent pass. */

const FIELD = z.enum(['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email']);
const fieldValues = z.partialRecord(FIELD, z.string()).refine((r) => Object.keys(r).length > 0, 'at least one field');

export const ASKS = ['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email', 'photo', 'summary', 'confirm', 'menu', 'complaintType', 'describe', 'ticketNumber', 'settled', 'contact', 'pickReport', 'unanswered', 'confirmRefile'] as const;
export const MEDIA = ['photo', 'screenshot', 'sticker', 'webpImage', 'voice', 'video', 'document', 'location', 'brokenImage'] as const;
export const COVERS = ['answer', 'fields', 'correction', 'question', 'navigation', 'yes', 'no', 'thanks', 'closing', 'greeting', 'officer', 'complaint', 'botComplaint', 'unusable', 'media'] as const;
export const TOPICS = ['fee', 'duration', 'verification', 'followUp', 'requirements', 'dataUse', 'other'] as const;

const expectSchema = z
  .object({
    asks: z.enum(ASKS),
    stored: fieldValues,
    notStored: z.array(z.string().min(1)),
    unchanged: z.literal(true),
    mentions: z.array(z.string().min(1)),
    notMentions: z.array(z.string().min(1)),
    answers: z.enum(TOPICS),
    greets: z.union([z.literal(true), z.literal('salam')]),
    thanks: z.literal(true),
    corrected: fieldValues,
    understood: fieldValues,
    refusesMedia: z.enum(['sticker', 'voice', 'video', 'document', 'location']),
    offersOfficer: z.literal(true),
    queued: z.literal(true),
    officerNote: z.literal(true),
    cancelled: z.literal(true),
    filed: fieldValues,
    notFiled: z.literal(true),
    outOfScope: z.literal(false),
  })
  .partial()
  .strict();

const turnSchema = z.union([
  z.object({ say: z.string(), expect: expectSchema.optional() }).strict(),
  z.object({ send: z.enum(MEDIA), expect: expectSchema.optional() }).strict(),
]);

export const scriptSchema = z
  .object({
    name: z.string().min(1),
    channel: z.enum(['whatsapp', 'messenger', 'instagram', 'webchat']),
    locale: z.enum(['id', 'en']),
    covers: z.array(z.enum(COVERS)).min(1),
    profile: z.object({ name: z.string().optional(), phone: z.string().regex(/^\+62\d{8,13}$/).optional() }).strict().optional(),
    /** What the bot does not do yet that the script expects; the script must then fail (see conversations.test.ts). */
    knownGap: z.string().min(10).optional(),
    turns: z.array(turnSchema).min(1),
  })
  .strict();

export type Script = z.infer<typeof scriptSchema>;
export type Turn = z.infer<typeof turnSchema>;
export type Expectation = z.infer<typeof expectSchema>;
export type Asked = (typeof ASKS)[number];
export type MediaKind = (typeof MEDIA)[number];

const SCRIPTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');

/** Every script file, parsed and checked; throws naming the file and the script on a malformed one. */
export function loadScripts(): Array<{ file: string; scripts: Script[] }> {
  return fs
    .readdirSync(SCRIPTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8')) as unknown[];
      const scripts = raw.map((s, i) => {
        const parsed = scriptSchema.safeParse(s);
        if (!parsed.success) throw new Error(`${file} script ${i} (${(s as { name?: string }).name ?? '?'}): ${z.prettifyError(parsed.error)}`);
        return parsed.data;
      });
      return { file, scripts };
    });
}
