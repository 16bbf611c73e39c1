import { randomInt, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { ConversationContext } from '../../dialogs/conversation.machine.js';
import { displayPhone } from '../../src/phone.js';
import { t, type Locale } from '../../src/i18n/messages.js';
import type { Understanding } from '../../dialogs/understanding.js';
import type { TicketView } from '../../src/tickets/types.js';
import { nonAnswers } from '../support/answersOnly.js';
import { BotClient } from '../http/botClient.js';
import { choicesOf, textOf, type FakeGraph } from '../support/fakeGraph.js';
import type { RunningService } from '../support/metaService.js';
import { MetaUser } from '../support/metaUser.js';
import { mg, wa } from '../support/metaWebhooks.js';
import { pdfBytes, productJpeg } from '../support/photos.js';
import type { Asked, Expectation, MediaKind, Script, Turn } from './scriptFormat.js';

/** What the bot answered to one turn, as the customer reads it. */
interface Answer {
  texts: string[];
  /** Values (ids, payloads) and titles of the choices offered. */
  choices: Array<{ value: string; title: string }>;
}

/** Sample files, made once: what a phone sends. */
const files = {
  photo: () => productJpeg(800, 600),
  screenshot: () => sharp({ create: { width: 720, height: 1280, channels: 3, background: '#f5f5f5' } }).png().toBuffer(),
  // A WhatsApp-style sticker: 512×512 WebP with transparency.
  webp: () => sharp({ create: { width: 512, height: 512, channels: 4, background: { r: 250, g: 200, b: 0, alpha: 0.6 } } }).webp().toBuffer(),
};
const made = new Map<string, Promise<Buffer>>();
const file = (name: keyof typeof files) => made.get(name) ?? made.set(name, files[name]()).get(name)!;

/** One customer of a script, on its channel. */
class Customer {
  readonly conversationKey: string;
  readonly conversationId: string;
  readonly channel: string;
  private readonly meta: MetaUser | null;
  private readonly bot: BotClient | null;

  constructor(
    private readonly run: RunningService,
    private readonly graph: FakeGraph,
    script: Script,
  ) {
    if (script.channel === 'webchat') {
      this.bot = new BotClient(run.url, `chat-${randomUUID()}`, 'webchat');
      this.meta = null;
      this.channel = 'bf:webchat';
      this.conversationId = this.bot.conversationId;
    } else {
      const id =
        script.channel === 'whatsapp'
          ? (script.profile?.phone?.replace(/^\+/, '') ?? `628${String(randomInt(10_000_000, 99_999_999))}${randomInt(10, 99)}`)
          : `${script.channel === 'messenger' ? 24 : 17}${String(randomInt(1e8, 9e8))}${String(randomInt(1e6, 9e6))}`;
      this.meta = new MetaUser(run, graph, script.channel, id, script.profile?.name);
      this.bot = null;
      this.channel = script.channel;
      this.conversationId = id;
    }
    this.conversationKey = `${this.channel}:${this.conversationId}`;
  }

  async take(turn: Turn): Promise<Answer> {
    if (this.bot) return this.takeOnWebChat(this.bot, turn);
    const user = this.meta!;
    const sends = 'say' in turn ? await user.post(user.text(turn.say)) : await this.sendMedia(user, turn.send);
    return { texts: sends.map((s) => textOf(s) ?? ''), choices: sends.flatMap((s) => choicesOf(s).map((c) => ({ value: c.id, title: c.title }))) };
  }

  private async sendMedia(user: MetaUser, kind: MediaKind) {
    const wa_ = user.channel === 'whatsapp';
    const cdn = async (body: Buffer, mime: string) => this.graph.addCdnFile(`/cdn/${user.channel}/${randomUUID()}`, body, mime);
    switch (kind) {
      case 'photo':
        return user.sendImage(await file('photo'), 'image/jpeg');
      case 'screenshot':
        return user.sendImage(await file('screenshot'), 'image/png');
      case 'webpImage':
        return user.sendImage(await file('webp'), 'image/webp');
      case 'brokenImage':
        return user.sendImage(Buffer.from('this is not an image at all, only text in a .jpg'), 'image/jpeg');
      case 'document':
        return user.sendImage(pdfBytes(), 'application/pdf', { asDocument: true });
      case 'sticker':
        return user.post(wa_ ? wa.sticker(user.userId, randomUUID()) : mg.sticker(user.userId, await cdn(await file('webp'), 'image/webp')));
      case 'voice':
        return user.post(wa_ ? wa.audio(user.userId, randomUUID()) : mg.audio(user.userId, await cdn(Buffer.from('OggS voice'), 'audio/ogg')));
      case 'video':
        return user.post(wa_ ? wa.video(user.userId, randomUUID()) : mg.video(user.userId, await cdn(Buffer.from('mp4 video'), 'video/mp4')));
      case 'location':
        return user.post(wa_ ? wa.location(user.userId, -6.2, 106.8) : mg.location(user.userId));
    }
  }

  private async takeOnWebChat(bot: BotClient, turn: Turn): Promise<Answer> {
    let attachments: unknown[] | undefined;
    if ('send' in turn) {
      const image: Partial<Record<MediaKind, [Promise<Buffer>, string]>> = {
        photo: [file('photo'), 'image/jpeg'],
        screenshot: [file('screenshot'), 'image/png'],
        webpImage: [file('webp'), 'image/webp'],
        brokenImage: [Promise.resolve(Buffer.from('not an image')), 'image/jpeg'],
        document: [Promise.resolve(pdfBytes()), 'application/pdf'],
      };
      const found = image[turn.send];
      if (!found) throw new Error(`a ${turn.send} cannot be sent on Web Chat: this script cannot run as written`);
      const [bytes, mime] = found;
      attachments = [{ contentType: mime, contentUrl: `data:${mime};base64,${(await bytes).toString('base64')}`, name: `file.${mime.split('/')[1]}` }];
    }
    const { status, replies } = await bot.send('say' in turn ? turn.say : '', attachments ? { attachments } : {});
    if (status !== 200) throw new Error(`Bot Framework endpoint answered ${status}`);
    return {
      texts: replies.map((r) => r.text ?? ''),
      choices: replies.flatMap((r) => (r.suggestedActions?.actions ?? []).map((a) => ({ value: String(a.value), title: a.title }))),
    };
  }

  async context(): Promise<ConversationContext | null> {
    return (await this.run.service.engine.peek(this.conversationKey))?.context ?? null;
  }

  tickets(): Promise<TicketView[]> {
    return this.run.service.tickets.ticketsOf(this.channel, this.conversationId);
  }

  async queued(): Promise<boolean> {
    return (await this.run.service.handoffs.store.openOf(this.conversationKey)) !== null;
  }
}

/** Text as compared: without WhatsApp's bold markers (Messenger gets none), spaces folded. */
const plain = (s: string) => s.replace(/\*/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
const digits = (s: string) => s.replace(/\D/g, '');

/** Whether `value` shows in `text` (a phone in any of its usual forms). */
function shows(text: string, value: string): boolean {
  if (/^\+?62\d{8,}$/.test(value.replace(/[\s-]/g, ''))) {
    const d = digits(value).replace(/^62/, '');
    return digits(text).includes(d);
  }
  return plain(text).includes(plain(value));
}

/** The states an `asks` names, as the open question the conversation now waits for. */
function waitsFor(asks: Asked, open: ConversationContext['open'] | undefined): boolean {
  if (!open) return asks === 'menu';
  switch (asks) {
    case 'photo':
    case 'summary':
    case 'menu':
    case 'ticketNumber':
    case 'contact':
      return open.kind === asks;
    case 'pickReport':
      return open.kind === 'choice' && open.about === 'ticket';
    case 'unanswered':
      return open.kind === 'choice' && open.about === 'unanswered';
    case 'confirmRefile':
      return open.kind === 'yesNo' && open.about === 'refile';
    case 'confirm':
      return open.kind === 'yesNo' && open.about === 'pending';
    case 'complaintType':
      return (open.kind === 'yesNo' || open.kind === 'choice') && ['complaintType', 'group', 'browse'].includes(open.about);
    case 'describe':
      return open.kind === 'freeText' && open.about === 'problem';
    case 'settled':
      return open.kind === 'yesNo' && open.about === 'settled';
    default:
      return open.kind === 'field' && open.field === asks;
  }
}

/** Runs one script, checking every turn's expectations; the message says which turn failed and what the bot said. */
export async function runScript(run: RunningService, graph: FakeGraph, script: Script, understanding: Understanding): Promise<void> {
  const customer = new Customer(run, graph, script);
  for (const [i, turn] of script.turns.entries()) {
    const before = await customer.context();
    const ticketsBefore = (await customer.tickets()).length;
    const answer = await customer.take(turn);
    const after = await customer.context();
    const what = `turn ${i + 1} (${'say' in turn ? JSON.stringify(turn.say) : `[${turn.send}]`}) answered:\n  ${answer.texts.join('\n  ')}\n  state: ${JSON.stringify(after?.open)} fields: ${JSON.stringify(after?.application?.fields ?? null)}`;
    expect(answer.texts.length, `every message gets an answer — ${what}`).toBeGreaterThan(0);
    // Whatever the script expects: a ticket filed now holds answers only (issue 13).
    const tickets = await customer.tickets();
    for (const ticket of tickets.slice(0, tickets.length - ticketsBefore)) expect(await nonAnswers(ticket.applicant, understanding), `filed ${ticket.number} — ${what}`).toEqual([]);
    if (turn.expect) await check(turn.expect, { customer, answer, before, after, ticketsBefore, locale: after?.locale ?? 'id', what });
  }
}

interface TurnOutcome {
  customer: Customer;
  answer: Answer;
  before: ConversationContext | null;
  after: ConversationContext | null;
  ticketsBefore: number;
  locale: Locale;
  what: string;
}

async function check(e: Expectation, o: TurnOutcome): Promise<void> {
  const { answer, after, locale, what } = o;
  // What the customer reads: the texts and the buttons' titles.
  const all = [...answer.texts, ...answer.choices.map((c) => c.title)].join('\n');
  const said = (key: string, vars?: Record<string, string>) => answer.texts.some((x) => plain(x) === plain(t(locale, key, vars)));
  const fields = after?.application?.fields ?? {};
  if (e.asks) expect(waitsFor(e.asks, after?.open), `asks ${e.asks} — ${what}`).toBe(true);
  for (const [k, v] of Object.entries(e.stored ?? {})) expect(fields[k as keyof typeof fields], `stored ${k} — ${what}`).toBe(v);
  for (const s of e.notStored ?? []) {
    for (const [k, v] of Object.entries(fields)) expect(plain(v ?? '').includes(plain(s)), `${k} holds "${v}", which has "${s}" — ${what}`).toBe(false);
  }
  if (e.unchanged) expect(fields, `no field changed — ${what}`).toEqual(o.before?.application?.fields ?? {});
  for (const s of e.mentions ?? []) expect(shows(all, s), `mentions "${s}" — ${what}`).toBe(true);
  for (const s of e.notMentions ?? []) expect(shows(all, s), `does not mention "${s}" — ${what}`).toBe(false);
  // An answer with the customer's own details in it (the follow-up after filing) is compared up to its first value.
  const saidOpening = (key: string) => answer.texts.some((x) => plain(x).startsWith(plain(t(locale, key).split('{')[0]!)));
  if (e.answers) expect(said(`faq.${e.answers}`) || (e.answers === 'followUp' && saidOpening('faq.followUpKnown')), `answers a ${e.answers} question — ${what}`).toBe(true);
  if (e.greets === 'salam') expect(/waalaikumsalam|wa'alaikumsalam/i.test(all), `answers the salam — ${what}`).toBe(true);
  if (e.greets === true) expect(said('repair.greeting') || said('welcome.greeting') || /waalaikumsalam|halo|hello/i.test(all), `greets — ${what}`).toBe(true);
  if (e.thanks) {
    expect(['repair.thanks', 'repair.thanksInProgress', 'repair.closing'].some((k) => said(k)) || /sama-sama|you're welcome/i.test(all), `answers thanks — ${what}`).toBe(true);
    expect(said('welcome.notUnderstood') || said('scope.outOfScope'), `thanks taken for something else — ${what}`).toBe(false);
  }
  for (const [k, v] of Object.entries(e.corrected ?? {})) {
    const label = t(locale, `repair.corrected.${k}`, { value: '\u0000' }).split('\u0000')[0]!;
    expect(answer.texts.some((x) => plain(x).startsWith(plain(label)) && shows(x, k === 'phone' ? displayPhone(v) : v)), `says ${k} was changed to ${v} — ${what}`).toBe(true);
  }
  if (e.understood) {
    const intro = plain(t(locale, 'repair.understood'));
    const message = answer.texts.find((x) => plain(x).startsWith(intro));
    expect(message, `says in one message what it understood — ${what}`).toBeDefined();
    for (const [k, v] of Object.entries(e.understood)) expect(shows(message!, v), `understood ${k} ${v} — ${what}`).toBe(true);
  }
  if (e.refusesMedia) {
    const kind = e.refusesMedia === 'voice' ? 'audio' : e.refusesMedia;
    expect(said(`media.${kind}`) || said(`media.photoStep.${kind}`), `refuses the ${e.refusesMedia} — ${what}`).toBe(true);
    expect(after?.application?.photo ?? null, `the ${e.refusesMedia} is not the photo — ${what}`).toEqual(o.before?.application?.photo ?? null);
  }
  if (e.offersOfficer) {
    const offered = answer.choices.some((c) => c.value === 'petugas' || plain(c.title) === plain(t(locale, 'choices.officer')));
    expect(offered || (await o.customer.queued()), `offers an officer — ${what}`).toBe(true);
  }
  if (e.queued) expect(await o.customer.queued(), `waits for an officer — ${what}`).toBe(true);
  if (e.officerNote) expect(said('officer.waitingNote'), `says an officer will answer here — ${what}`).toBe(true);
  if (e.cancelled) {
    expect(after?.application ?? null, `nothing in progress — ${what}`).toBeNull();
    expect(after?.complaint ?? null, `no complaint in progress — ${what}`).toBeNull();
  }
  const fresh = (await o.customer.tickets()).slice(0, Math.max(0, (await o.customer.tickets()).length - o.ticketsBefore));
  if (e.filed) {
    expect(fresh.length, `a ticket was filed — ${what}`).toBe(1);
    for (const [k, v] of Object.entries(e.filed)) expect(fresh[0]!.applicant[k as keyof TicketView['applicant']], `filed ${k} — ${what}`).toBe(v);
  }
  if (e.notFiled) expect(fresh, `nothing filed — ${what}`).toEqual([]);
  if (e.outOfScope === false) expect(said('scope.outOfScope'), `not the out-of-scope message — ${what}`).toBe(false);
}
