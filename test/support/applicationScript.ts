import { t } from '../../src/i18n/messages.js';
import type { FakeGraph } from './fakeGraph.js';
import { META } from './metaService.js';
import { newWamid, postWebhook, wa, whatsAppWebhook, type PostResult } from './metaWebhooks.js';

/**
 * A WhatsApp seller application as a fixed script of answers (typed text, then a photo, then
 * "kirim"), with the replies each step must get, for fault tests that stop the service between
 * two steps and check that the conversation continues exactly where it was.
 */

/** What the applicant sends at each step; `null` is the product photo. */
export const STEPS: ReadonlyArray<string | null> = [
  'daftar seller',
  'Budi Santoso',
  'Toko Budi Jaya',
  'kerajinan rotan',
  'kepanjen',
  'jawa timur',
  '081234567890',
  'budi.santoso@gmail.com',
  null,
  'kirim',
];
export const KIRIM_STEP = STEPS.length - 1;

/** One expected reply: the sentence `key` exactly, contained in it (a question with a one-tap default), or its opening (a sentence with variables). */
export interface ExpectedReply {
  key: string;
  how: 'is' | 'has' | 'starts';
}

const is = (key: string): ExpectedReply => ({ key, how: 'is' });
const has = (key: string): ExpectedReply => ({ key, how: 'has' });
const starts = (key: string): ExpectedReply => ({ key, how: 'starts' });

/** The replies of each step, in order. */
export const STEP_REPLIES: ReadonlyArray<readonly ExpectedReply[]> = [
  [is('seller.intro'), has('fields.name.question')],
  [is('fields.businessName.question')],
  [is('fields.productType.question')],
  [is('fields.city.question')],
  [is('fields.province.question')],
  [has('fields.phone.question')],
  [is('fields.email.question')],
  [is('seller.photo.questionRequired')],
  [is('seller.photo.received'), has('seller.summary.intro')],
  [starts('seller.done')],
];

export const ALREADY_FILED = starts('seller.alreadyFiled');
export const TURN_FAILED = is('common.error');
export const ITSM_NUMBER = /ITSM-\d{8}-\d+/;

export function matches(text: string, expected: ExpectedReply): boolean {
  const sentence = t('id', expected.key);
  if (expected.how === 'is') return text === sentence;
  if (expected.how === 'has') return text.includes(sentence);
  return text.startsWith(sentence.split('{')[0] ?? sentence);
}

/** The replies of steps `from` (inclusive) to `to` (exclusive), in order. */
export function repliesOf(from: number, to: number): ExpectedReply[] {
  return STEP_REPLIES.slice(from, to).flat();
}

/** For a failing assertion: which received texts do not match, side by side with what was expected. */
export function describeMismatch(texts: string[], expected: ExpectedReply[]): string | null {
  const lines: string[] = [];
  const n = Math.max(texts.length, expected.length);
  for (let i = 0; i < n; i++) {
    const text = texts[i];
    const want = expected[i];
    if (text === undefined || want === undefined || !matches(text, want)) {
      lines.push(`#${i}: expected ${want ? `${want.how} ${want.key}` : 'nothing'}, got ${text === undefined ? 'nothing' : JSON.stringify(text.slice(0, 80))}`);
    }
  }
  return lines.length ? lines.join('\n') : null;
}

/** The WhatsApp webhook of `userId`'s answer at `step` (the photo is served by the fake Graph API). */
export function stepWebhook(graph: FakeGraph, userId: string, step: number, photo: Buffer, wamid = newWamid()): Record<string, unknown> {
  const answer = STEPS[step];
  if (answer === undefined) throw new Error(`no step ${step}`);
  let item;
  if (answer === null) {
    const mediaId = `media-${wamid.slice(-12)}`;
    graph.addWhatsAppMedia(mediaId, photo, 'image/jpeg');
    item = wa.image(userId, mediaId, { id: wamid });
  } else {
    item = wa.text(userId, answer, { id: wamid });
  }
  return whatsAppWebhook([item], META.phoneNumberId);
}

export function postWhatsApp(baseUrl: string, body: Record<string, unknown>): Promise<PostResult> {
  return postWebhook(baseUrl, 'whatsapp', body, { secret: META.appSecret });
}

/** Waits until the fake Graph API accepted at least `count` sends to `userId`. */
export async function waitForSends(graph: FakeGraph, userId: string, count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (graph.sendsTo(userId).length < count) {
    if (Date.now() > deadline) throw new Error(`${userId}: ${graph.sendsTo(userId).length} sends after ${timeoutMs} ms, expected ${count}:\n${graph.textsTo(userId).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
