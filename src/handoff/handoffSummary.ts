import type { ConversationContext } from '../../dialogs/conversation.machine.js';
import type { OutboundMessenger } from '../core/outbound.js';
import { catalogEntry, SELLER_REGISTRATION } from '../../dialogs/catalog.js';
import type { PhotoRef } from '../tickets/types.js';
import type { HandoffStore } from './handoffStore.js';
import type { Handoff, HandoffSummary } from './types.js';

/** The classifier's guess for a text, human readable ("18. Akun diretas (92%)"), or null. */
export type Guesser = (text: string) => Promise<string | null>;

export interface SummaryDeps {
  store: Pick<HandoffStore, 'position' | 'latestPhoto'>;
  messenger: Pick<OutboundMessenger, 'windowOpen'>;
  /** Display name of an officer (null when the account is gone). */
  officerName: (username: string) => Promise<string | null>;
  guess?: Guesser;
  now: Date;
}

/** What the console shows of a handoff: the queue data plus the conversation as far as it got. */
export async function summarize(handoff: Handoff, context: ConversationContext | null, deps: SummaryDeps): Promise<HandoffSummary> {
  const draft = context?.application ?? null;
  const complaint = context?.complaint ?? null;
  const since = handoff.status === 'active' && handoff.takenAt ? handoff.takenAt : handoff.requestedAt;
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(draft?.fields ?? {})) if (typeof value === 'string') form[key] = value;
  const [latest, position, officerName, windowOpen] = await Promise.all([
    deps.store.latestPhoto(handoff.conversationKey, handoff.requestedAt),
    deps.store.position(handoff),
    handoff.officer ? deps.officerName(handoff.officer) : null,
    deps.messenger.windowOpen(handoff, true),
  ]);
  const photo: PhotoRef | null = latest ?? draft?.photo ?? null;
  const catalogNumber = complaint?.catalogNumber ?? complaint?.candidates[0] ?? null;
  return {
    ...handoff,
    officerName: handoff.officer ? (officerName ?? handoff.officer) : null,
    waitingSeconds: Math.max(0, Math.round((deps.now.getTime() - Date.parse(since)) / 1000)),
    position,
    form,
    formKind: draft?.kind ?? (complaint ? 'complaint' : null),
    catalogNumber,
    thumbnail: photo ? thumbnailOf(photo.fileName) : null,
    guess: await guessOf(context, catalogNumber, deps.guess),
    customerName: context?.profile?.name ?? null,
    windowOpen,
  };
}

/** `<sha>.jpg` -> `<sha>.thumb.jpg` (see src/media/photoStore.ts). */
export function thumbnailOf(fileName: string): string {
  return fileName.replace(/\.(jpg|webp)$/, '.thumb.$1');
}

async function guessOf(context: ConversationContext | null, catalogNumber: number | null, guess?: Guesser): Promise<string | null> {
  if (catalogNumber !== null) {
    const entry = catalogEntry(catalogNumber);
    return entry ? `${entry.number}. ${entry.label}` : null;
  }
  if (context?.application?.kind === 'seller') return SELLER_REGISTRATION.serviceType;
  if (guess && context?.lastText) {
    try {
      return await guess(context.lastText);
    } catch {
      return null;
    }
  }
  return null;
}

/** The classifier's top label as the console shows it. */
export function describeGuess(label: string, confidence: number): string {
  const percent = `${Math.round(confidence * 100)}%`;
  const type = /^type:(\d+)$/.exec(label);
  const entry = type ? catalogEntry(Number(type[1])) : undefined;
  if (entry) return `${entry.number}. ${entry.label} (${percent})`;
  return `${label.replace(/^intent:/, '').replace(/_/g, ' ')} (${percent})`;
}
