import { randomUUID } from 'node:crypto';
import type { OpenQuestion } from '../../dialogs/understanding.js';
import { ANSWERS, Conversation, FakeServices } from './harness.js';

/** One step of the way to a state: a text, the product photo, or a change of the fakes. */
type Step = string | { photo: true } | ((c: Conversation) => void | Promise<void>);

export interface WaitingState {
  name: string;
  channel: string;
  /** How a customer gets there, from a new conversation. */
  path: Step[];
  /** What the conversation then waits for (checked, so that a changed flow does not silently test another state). */
  open: OpenQuestion['kind'];
}

const SELLER = ['daftar seller', ANSWERS.name, ANSWERS.businessName, ANSWERS.productType, ANSWERS.city, ANSWERS.province, ANSWERS.phone, ANSWERS.email];
const fieldState = (i: number, field: string): WaitingState => ({ name: `seller form: ${field}`, channel: 'whatsapp', path: SELLER.slice(0, i + 1), open: 'field' });
const PHOTO: Step = { photo: true };
/** The support team answers the first ticket. */
const ANSWERED: Step = (c) => void c.services.replies.set('ITSM-20261124-00001', { text: 'Toko Anda sudah kami aktifkan.', at: '2026-11-25T03:00:00.000Z' });
/** A seller application filed from another conversation, with the harness's phone and email. */
const FILED_ELSEWHERE: Step = async (c) => {
  const other = new Conversation(c.services, c.db, 'messenger', `psid-${randomUUID()}`);
  for (const s of SELLER) await other.say(s);
  await other.photo();
  await other.say('kirim');
};

/**
 * Every state in which the conversation waits for the customer, with a way to reach it: the
 * menu, each question of both forms, every confirmation and choice, the photo, the summary,
 * complaints, status look-ups, and waiting for an officer.
 */
export const WAITING_STATES: WaitingState[] = [
  { name: 'menu', channel: 'whatsapp', path: ['halo'], open: 'menu' },
  ...['name', 'businessName', 'productType', 'city', 'province', 'phone', 'email'].map((f, i) => fieldState(i, f)),
  { name: 'seller form: province to confirm', channel: 'whatsapp', path: [...SELLER.slice(0, 5), 'jawa timr'], open: 'yesNo' },
  { name: 'seller form: photo', channel: 'whatsapp', path: SELLER, open: 'photo' },
  { name: 'seller form: summary', channel: 'whatsapp', path: [...SELLER, PHOTO], open: 'summary' },
  { name: 'seller form: which field to change', channel: 'whatsapp', path: [...SELLER, PHOTO, 'ubah'], open: 'choice' },
  {
    name: 'seller form: filing failed, retry?',
    channel: 'whatsapp',
    path: [...SELLER, PHOTO, (c) => void (c.services.failFiling = 1), 'kirim'],
    open: 'yesNo',
  },
  { name: 'complaint: describe', channel: 'whatsapp', path: ['lapor masalah'], open: 'freeText' },
  { name: 'complaint: confirm the type', channel: 'whatsapp', path: ['lapor masalah', 'sudah transfer bayar tapi pesanan belum masuk'], open: 'yesNo' },
  { name: 'complaint: choose the type', channel: 'whatsapp', path: ['lapor masalah', 'ribet susah masalah aja'], open: 'choice' },
  { name: 'complaint: choose a group', channel: 'whatsapp', path: ['lapor masalah', 'ribet susah masalah aja', 'kelompok'], open: 'choice' },
  { name: 'complaint: browse a group', channel: 'whatsapp', path: ['lapor masalah', 'ribet susah masalah aja', 'kelompok', 'kelompok 5'], open: 'choice' },
  { name: 'complaint: name', channel: 'whatsapp', path: ['lapor masalah', 'sudah transfer bayar tapi pesanan belum masuk', 'ya'], open: 'field' },
  { name: 'complaint: screenshot', channel: 'whatsapp', path: ['lapor masalah', 'sudah transfer bayar tapi pesanan belum masuk', 'ya', ANSWERS.name, ANSWERS.phone, ANSWERS.email], open: 'photo' },
  {
    name: 'complaint: earlier contact data offered',
    channel: 'whatsapp',
    path: [...SELLER, PHOTO, 'kirim', 'lapor masalah', 'sudah transfer bayar tapi pesanan belum masuk', 'ya'],
    open: 'yesNo',
  },
  { name: 'status: ticket number', channel: 'whatsapp', path: ['cek status'], open: 'ticketNumber' },
  { name: 'status: not answered yet', channel: 'whatsapp', path: [...SELLER, PHOTO, 'kirim', 'cek status'], open: 'choice' },
  { name: 'status: settled?', channel: 'whatsapp', path: [...SELLER, PHOTO, 'kirim', ANSWERED, 'cek status'], open: 'yesNo' },
  { name: 'status: what is still wrong', channel: 'whatsapp', path: [...SELLER, PHOTO, 'kirim', ANSWERED, 'cek status', 'belum'], open: 'freeText' },
  { name: 'status: file the follow-up?', channel: 'whatsapp', path: [...SELLER, PHOTO, 'kirim', ANSWERED, 'cek status', 'belum, tokonya masih belum muncul'], open: 'yesNo' },
  { name: 'status: phone and email (number lost)', channel: 'messenger', path: ['cek status', 'lupa nomornya'], open: 'contact' },
  { name: 'status: which report', channel: 'messenger', path: [FILED_ELSEWHERE, FILED_ELSEWHERE, 'cek status', 'lupa', `${ANSWERS.phone} ${ANSWERS.email}`], open: 'choice' },
  {
    name: 'status: proof of ownership',
    channel: 'whatsapp',
    path: [
      async (c) => {
        // A ticket of somebody else's conversation, asked for by number.
        const other = new Conversation(c.services, c.db, 'whatsapp', '6281300000001');
        for (const s of SELLER) await other.say(s);
        await other.photo();
        await other.say('kirim');
      },
      (c) => c.say(`cek ${c.services.tickets[0]!.number}`).then(() => undefined),
    ],
    open: 'proof',
  },
  { name: 'waiting for an officer', channel: 'whatsapp', path: ['petugas'], open: 'menu' },
];

/** A new conversation of its own, brought to `state`. */
export async function reach(state: WaitingState, services = new FakeServices()): Promise<Conversation> {
  const c = new Conversation(services, undefined, state.channel, `62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
  for (const step of state.path) {
    if (typeof step === 'string') await c.say(step, randomUUID());
    else if (typeof step === 'function') await step(c);
    else await c.photo();
  }
  return c;
}
