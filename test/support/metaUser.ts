import { randomUUID } from 'node:crypto';
import { stripBoldMarkers } from '../../src/channels/messenger/messengerPayloads.js';
import { t, type Vars } from '../../src/i18n/messages.js';
import { choicesOf, textOf, type FakeGraph, type LargeBody, type SendBody } from './fakeGraph.js';
import { META, type RunningService } from './metaService.js';
import { messengerWebhook, mg, postWebhook, wa, whatsAppWebhook, type MgEvent, type WaItem, type WebhookChannel } from './metaWebhooks.js';

/**
 * One person talking to the service through a Meta channel's webhook: each call posts a signed
 * webhook, checks the 200, waits until the channel has processed it, and returns what the bot
 * sent this user in response (read from the fake Graph API).
 */
export class MetaUser {
  private seen: number;

  constructor(
    /** Replace after a restart of the service. */
    public run: RunningService,
    readonly graph: FakeGraph,
    readonly channel: WebhookChannel,
    readonly userId: string,
    /** WhatsApp profile name (contacts[].profile.name). */
    readonly profileName?: string,
  ) {
    this.seen = graph.sendsTo(userId).length;
  }

  /** Posts one event built by the caller (wa.* for WhatsApp, mg.* for Messenger/Instagram); returns the new sends. */
  async post(event: WaItem | MgEvent): Promise<SendBody[]> {
    const body =
      this.channel === 'whatsapp'
        ? whatsAppWebhook([event as WaItem], META.phoneNumberId)
        : messengerWebhook(this.channel, [event as MgEvent], this.channel === 'messenger' ? META.pageId : META.igAccountId);
    const res = await postWebhook(this.run.url, this.channel, body, { secret: META.appSecret });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text}`);
    await this.run.channel(this.channel).idle();
    return this.newSends();
  }

  /** Sends since the last call (or since construction). */
  newSends(): SendBody[] {
    const all = this.graph.sendsTo(this.userId);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /** Types a text; returns the texts of the replies. */
  async say(text: string): Promise<string[]> {
    return texts(await this.post(this.text(text)));
  }

  text(text: string): WaItem | MgEvent {
    return this.channel === 'whatsapp' ? wa.text(this.userId, text, this.waOpts()) : mg.text(this.userId, text);
  }

  /**
   * Taps a choice of the last send that offered choices (WhatsApp button or list row,
   * Messenger/Instagram quick reply), found by its title or id, sending back exactly the id/payload
   * the bot sent. Returns the new sends.
   */
  async tap(titleOrId: string, from: SendBody[] = this.graph.sendsTo(this.userId)): Promise<SendBody[]> {
    const offering = [...from].reverse().find((s) => choicesOf(s).length > 0);
    if (!offering) throw new Error('No choices were offered');
    const choice = choicesOf(offering).find((c) => c.title === titleOrId || c.id === titleOrId);
    if (!choice) throw new Error(`No choice ${titleOrId} in ${JSON.stringify(choicesOf(offering))}`);
    if (this.channel === 'whatsapp') {
      const isList = offering.interactive?.type === 'list';
      const build = isList ? wa.listReply : wa.buttonReply;
      return this.post(build(this.userId, choice.id, choice.title, { ...this.waOpts(), contextId: 'wamid.fake-context' }));
    }
    return this.post(mg.quickReply(this.userId, choice.id, choice.title));
  }

  /** Sends a photo (or any file as an image) the fake Graph API serves; returns the new sends. */
  async sendImage(body: Buffer | LargeBody, mime = 'image/jpeg', opts: { fileSize?: number | null; asDocument?: boolean } = {}): Promise<SendBody[]> {
    const id = randomUUID();
    if (this.channel === 'whatsapp') {
      this.graph.addWhatsAppMedia(id, body, mime, opts.fileSize !== undefined ? { fileSize: opts.fileSize } : {});
      const event = opts.asDocument ? wa.document(this.userId, id, { ...this.waOpts(), mime }) : wa.image(this.userId, id, { ...this.waOpts(), mime });
      return this.post(event);
    }
    const url = this.graph.addCdnFile(`/cdn/${this.channel}/${id}.bin`, body, mime);
    return this.post(opts.asDocument ? mg.file(this.userId, url) : mg.image(this.userId, url));
  }

  /**
   * Sends an image whose bytes are at `url`: on WhatsApp the Graph media lookup answers `url`, on
   * Messenger/Instagram the webhook carries it as the CDN URL. Returns the new sends.
   */
  async sendImageFrom(url: string): Promise<SendBody[]> {
    if (this.channel === 'whatsapp') {
      const id = randomUUID();
      this.graph.addWhatsAppMedia(id, Buffer.alloc(0), 'image/jpeg', { fileSize: null, url });
      return this.post(wa.image(this.userId, id, this.waOpts()));
    }
    return this.post(mg.image(this.userId, url));
  }

  /** The message `key` as this channel shows it (see `said`). */
  said(key: string, vars?: Vars): string {
    return said(this.channel, key, vars);
  }

  private waOpts() {
    return this.profileName !== undefined ? { name: this.profileName } : {};
  }
}

/**
 * The Indonesian message `key` as `channel` delivers it: WhatsApp renders `*bold*` itself,
 * Messenger and Instagram get the text without the markers.
 */
export function said(channel: WebhookChannel, key: string, vars?: Vars): string {
  const text = t('id', key, vars);
  return channel === 'whatsapp' ? text : stripBoldMarkers(text);
}

export function texts(sends: SendBody[]): string[] {
  return sends.map((s) => textOf(s) ?? '');
}

/** Answers every field question (no profile taps) so that the next step is the photo; returns the last replies. */
export async function answerUpToPhoto(user: MetaUser): Promise<string[]> {
  await user.say('daftar seller');
  let last: string[] = [];
  for (const answer of ['Budi Santoso', 'Toko Budi Jaya', 'kerajinan rotan', 'kepanjen', 'jawa timur', '081234567890', 'budi.santoso@gmail.com']) last = await user.say(answer);
  return last;
}
