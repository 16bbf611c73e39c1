import { ActivityTypes, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { Locale } from '../../dialogs/conversation.machine.js';
import type { Reply } from '../../dialogs/reply.js';
import { errorSummary } from '../core/redact.js';
import { handoffInitiation } from './handoffEvents.js';
import type { TranscriptEntry } from '../core/transcript.js';
import { pseudonym, type Logger } from '../log.js';
import type { TurnMetrics, TurnOutcome } from '../observability/metrics.js';
import { activityToEvent, senderProfileOf } from './activityToEvent.js';
import { APOLOGY, TurnFailed, type DialogEngine } from './dialogEngine.js';
import { conversationChannelOf, entryPointOf } from './entryPoint.js';
import { renderReply, type RenderedReply } from './renderReply.js';
import type { ConversationReferenceStore } from '../storage/conversationReferenceStore.js';

const WELCOME: Reply = {
  key: 'welcome.greeting',
  choices: [
    { value: 'daftar seller', key: 'choices.register' },
    { value: 'petugas', key: 'choices.officer' },
  ],
};

export interface PlnBotOptions {
  engine: DialogEngine;
  log: Logger;
  defaultLocale: Locale;
  /** Where Bot Framework conversations are remembered for proactive messages (officers' replies). */
  references?: Pick<ConversationReferenceStore, 'save'>;
  /** The conversation's transcript, sent with `handoff.initiate` on Bot Framework channels. */
  transcriptOf?: (conversationKey: string) => Promise<TranscriptEntry[]>;
  /** Handoff queue position, for `handoff.initiate`. */
  positionOf?: (handoffId: number) => Promise<number | null>;
  /** Counts every message turn by outcome, and times it. */
  metrics?: TurnMetrics;
}

/** How many conversations' saved references are remembered (the oldest are forgotten first), and for how long. */
const REMEMBERED_REFERENCES = 10_000;
const REFERENCE_RESAVE_MS = 10 * 60 * 1000;

/**
 * The bot as every channel sees it: a Bot Framework turn handler. It maps the incoming Activity
 * to a dialog event, lets the engine step the conversation, and sends the replies. This is the
 * one boundary per turn: whatever fails is logged (without personal data) and the user gets a
 * polite apology instead of silence.
 */
export class PlnBot {
  /** The reference last saved per Bot Framework conversation, so an unchanged one is not written again every turn. */
  private readonly savedReferences = new Map<string, { json: string; at: number }>();

  constructor(private readonly options: PlnBotOptions) {}

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.ConversationUpdate) return this.greetNewMembers(context);
    if (activity.type !== ActivityTypes.Message) return;
    const started = performance.now();
    // Whatever escapes (even the apology failing to send) is a failed turn.
    let outcome: TurnOutcome = 'failed';
    try {
      outcome = await this.handleMessage(context);
    } finally {
      this.options.metrics?.turn(conversationChannelOf(entryPointOf(context), activity.channelId), outcome, (performance.now() - started) / 1000);
    }
  }

  /** One user message: steps the dialog and sends the replies; says how the turn ended. */
  private async handleMessage(context: TurnContext): Promise<TurnOutcome> {
    const activity = context.activity;
    // The door the message came in by is the adapter's word, not the activity's: a Bot Framework
    // client chooses its channel id and conversation id, so its conversations are kept apart from
    // every Meta conversation (src/core/conversationChannel.ts), and what a Meta adapter vouches for
    // (photo download, sender's number, recovery) is never taken from a Bot Framework activity.
    const entry = entryPointOf(context);
    const botFramework = entry.kind === 'botFramework';
    const channel = conversationChannelOf(entry, activity.channelId);
    const conversationKey = `${channel}:${activity.conversation.id}`;
    const { engine, log, defaultLocale } = this.options;
    const started = Date.now();
    let result;
    try {
      if (botFramework) await this.saveReference(conversationKey, activity);
      const profile = senderProfileOf(entry);
      result = await engine.step({
        conversationKey,
        channel,
        conversationId: activity.conversation.id,
        messageId: activity.id ? `${conversationKey}:${activity.id}` : null,
        event: activityToEvent(activity, entry),
        ...(profile ? { profile } : {}),
        ...(typeof activity.text === 'string' ? { text: activity.text } : {}),
        ...(entry.kind === 'meta' && entry.recovered ? { recovered: true } : {}),
      });
    } catch (err) {
      const failed = err instanceof TurnFailed ? err : null;
      log.error({ err: errorSummary(failed ? failed.cause : err), conversation: pseudonym(conversationKey) }, 'turn failed');
      const locale = failed?.locale ?? defaultLocale;
      await context.sendActivity({ ...toActivity(renderReply(APOLOGY, locale)), locale });
      return 'failed';
    }
    if (result.duplicate && result.replies.length === 0) {
      log.info({ conversation: pseudonym(conversationKey) }, 'duplicate message dropped');
      return 'duplicate';
    }
    if (result.duplicate) log.warn({ conversation: pseudonym(conversationKey), replies: result.replies.length }, 'interrupted turn: sending its committed replies');
    log.info({ conversation: pseudonym(conversationKey), state: result.state, ms: Date.now() - started }, 'turn');
    // An officer holds the conversation: the message is in their console; the bot says nothing.
    if (result.held || result.replies.length === 0) return 'silent';
    const locale = result.locale;
    // On Meta channels each reply carries an id of its own (message and place), so a reply sent
    // again for an interrupted turn is recognised by the send queue and not delivered twice.
    const dedupeId = (i: number) => (!botFramework && activity.id ? { dedupeId: `${conversationKey}:${activity.id}:${i}` } : {});
    // A form to send with the reply (the WhatsApp channel sends it as a Flow).
    const channelData = (r: Reply, i: number) => {
      const data = { ...dedupeId(i), ...(r.form && !botFramework ? { form: r.form } : {}) };
      return Object.keys(data).length > 0 ? { channelData: data } : {};
    };
    const activities: Array<Partial<Activity>> = result.replies.map((r, i) => ({ ...toActivity(renderReply(r, locale)), locale, ...channelData(r, i) }));
    if (botFramework && result.handoff?.created) {
      const handoffId = result.handoff.id;
      // The customer's replies go out even when the queue cannot be read: then without the transcript.
      const [transcript, position] = await Promise.all([this.options.transcriptOf?.(conversationKey) ?? [], this.options.positionOf?.(handoffId) ?? null]).catch((err: unknown): [TranscriptEntry[], null] => {
        log.error({ err: errorSummary(err), conversation: pseudonym(conversationKey) }, 'handoff transcript not read');
        return [[], null];
      });
      activities.push(handoffInitiation(activity, { reason: result.handoff.reason, handoffId, position }, transcript));
    }
    try {
      await context.sendActivities(activities);
      return 'replied';
    } catch (err) {
      // The turn is saved; the channel recorded why delivery failed. Asking the user to "send again"
      // here would make their repeated message answer the next question, so nothing more is sent.
      log.error({ err: errorSummary(err), conversation: pseudonym(conversationKey) }, 'reply delivery failed');
      return 'failed';
    }
  }

  /**
   * Remembers where a Bot Framework conversation is reached for proactive messages. The reference
   * is kept without the message id (a proactive message answers no message), so it is the same
   * on every turn of a conversation and written only when it changes, or again after ten minutes
   * (another instance may have written a newer one meanwhile).
   */
  private async saveReference(conversationKey: string, activity: Activity): Promise<void> {
    const store = this.options.references;
    if (!store) return;
    const { activityId: _messageSpecific, ...reference } = TurnContext.getConversationReference(activity);
    const json = JSON.stringify(reference);
    const now = Date.now();
    const saved = this.savedReferences.get(conversationKey);
    if (saved && saved.json === json && now - saved.at < REFERENCE_RESAVE_MS) return;
    await store.save(conversationKey, reference);
    this.savedReferences.delete(conversationKey);
    if (this.savedReferences.size >= REMEMBERED_REFERENCES) this.savedReferences.delete(this.savedReferences.keys().next().value as string);
    this.savedReferences.set(conversationKey, { json, at: now });
  }

  private async greetNewMembers(context: TurnContext): Promise<void> {
    const { membersAdded, recipient } = context.activity;
    const someoneJoined = (membersAdded ?? []).some((m) => m.id !== recipient.id);
    if (someoneJoined) await context.sendActivity(toActivity(renderReply(WELCOME, this.options.defaultLocale)));
  }
}

/** Text with the choices as suggested actions (buttons that send their value back as text). */
export function toActivity(rendered: RenderedReply): Partial<Activity> {
  if (rendered.choices.length === 0) return MessageFactory.text(rendered.text);
  return MessageFactory.suggestedActions(
    rendered.choices.map((c) => ({ type: 'imBack', title: c.title, value: c.value })),
    rendered.text,
  );
}
