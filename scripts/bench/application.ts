/**
 * One complete seller application as a real applicant makes it over `/api/messages` with
 * `deliveryMode: "expectReplies"`: "daftar seller", the seven fields (a clean province that needs
 * no confirmation), the product photo as a data URL, then "kirim". Each step knows what the
 * dialog must answer (the Indonesian texts of locales/id.json), so a wrong reply is an error.
 *
 * Request bodies are strings built by concatenation around a pre-serialised photo attachment, so
 * preparing a turn costs the load generator next to nothing (the measurement is the service's).
 */
import { randomUUID } from 'node:crypto';
import { makeBenchmarkJpeg } from '../../src/media/benchmarkNormalize.js';
import { t } from '../../src/i18n/messages.js';

export interface ReplyActivity {
  type?: string;
  text?: string;
}

export interface Step {
  /** For reports: which turn of the application this is. */
  name: string;
  text: string;
  photo: boolean;
  /** Why the replies are wrong, or null when they are what the dialog should say here. */
  check(replies: ReplyActivity[]): string | null;
}

export const APPLICANT = {
  name: 'Budi Santoso',
  businessName: 'Keripik Bu Sri',
  productType: 'makanan ringan',
  // A district, not in the regency data set: the province is asked (a regency would fill it).
  city: 'Kepanjen',
  province: 'Jawa Timur',
  phone: '0812-3456-7890',
  email: 'budi.santoso@gmail.com',
};

const texts = (replies: ReplyActivity[]): string[] => replies.filter((r) => r.type === 'message').map((r) => r.text ?? '');

/** The replies must be exactly these message texts, in order. */
const exactly =
  (...keys: string[]) =>
  (replies: ReplyActivity[]): string | null => {
    const want = keys.map((k) => t('id', k));
    const got = texts(replies);
    return got.length === want.length && got.every((g, i) => g === want[i]) ? null : `expected [${keys.join(', ')}], got ${JSON.stringify(got).slice(0, 200)}`;
  };

/** The turns of one application, in order. */
export const STEPS: readonly Step[] = [
  { name: 'daftar', text: 'daftar seller', photo: false, check: exactly('seller.intro', 'fields.name.question') },
  { name: 'name', text: APPLICANT.name, photo: false, check: exactly('fields.businessName.question') },
  { name: 'businessName', text: APPLICANT.businessName, photo: false, check: exactly('fields.productType.question') },
  { name: 'productType', text: APPLICANT.productType, photo: false, check: exactly('fields.city.question') },
  { name: 'city', text: APPLICANT.city, photo: false, check: exactly('fields.province.question') },
  { name: 'province', text: APPLICANT.province, photo: false, check: exactly('fields.phone.question') },
  { name: 'phone', text: APPLICANT.phone, photo: false, check: exactly('fields.email.question') },
  { name: 'email', text: APPLICANT.email, photo: false, check: exactly('seller.photo.questionOptional') },
  {
    name: 'photo',
    text: '',
    photo: true,
    check: (replies) => {
      const [received, summary] = texts(replies);
      if (received !== t('id', 'seller.photo.received')) return `expected seller.photo.received, got ${JSON.stringify(received)}`;
      if (!summary?.includes(APPLICANT.province) || !summary.includes(APPLICANT.email)) return `expected the summary, got ${JSON.stringify(summary)}`;
      return null;
    },
  },
  {
    name: 'kirim',
    text: 'kirim',
    photo: false,
    check: (replies) => {
      const [done] = texts(replies);
      return done && /ITSM-\d{8}-\d{5}/.test(done) && done.includes(APPLICANT.email) ? null : `expected the ITSM number, got ${JSON.stringify(done)}`;
    },
  },
];

export interface BodyFactory {
  /** The JSON body of `step` in conversation `conversationId`, with a fresh activity id. */
  body(step: Step, conversationId: string): Buffer;
  photoBytes: number;
}

/** Makes the photo once (an 800x600 camera-like JPEG, made with sharp) and returns the body factory. */
export async function bodyFactory(serviceUrl: string): Promise<BodyFactory> {
  const jpeg = await makeBenchmarkJpeg(800, 600);
  const attachments = JSON.stringify([{ contentType: 'image/jpeg', contentUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}`, name: 'produk.jpg' }]);
  const fixed = `"channelId":"emulator","serviceUrl":${JSON.stringify(serviceUrl)},"from":{"id":"bench-user","name":"Budi"},"recipient":{"id":"bot","name":"PLN 123"},"locale":"id-ID","deliveryMode":"expectReplies"`;
  return {
    photoBytes: jpeg.length,
    body(step, conversationId) {
      const json =
        `{"type":"message","id":"${randomUUID()}","timestamp":"${new Date().toISOString()}",${fixed},` +
        `"conversation":{"id":${JSON.stringify(conversationId)}},"text":${JSON.stringify(step.text)}` +
        (step.photo ? `,"attachments":${attachments}}` : '}');
      return Buffer.from(json);
    },
  };
}
