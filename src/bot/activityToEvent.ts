import type { Activity, Attachment } from 'botbuilder';
import type { SenderProfile, TurnEvent } from '../../dialogs/events.js';
import { eventFromText } from '../../dialogs/toEvent.js';
import type { EntryPoint } from './entryPoint.js';

/** Attachments that are cards or other rich content, not files the user sent. */
const isCard = (a: Attachment) => a.contentType.startsWith('application/vnd.microsoft.');

/** A file's kind by its declared type: images go to the photo pipeline, the rest are never a photo. */
function fileKind(contentType: string): 'image' | 'audio' | 'video' | 'document' {
  const family = contentType.split('/')[0]?.toLowerCase();
  return family === 'image' ? 'image' : family === 'audio' ? 'audio' : family === 'video' ? 'video' : 'document';
}

/**
 * What a message means to the dialog. A file declared as an image is offered to the photo
 * pipeline, which decides by its bytes whether it is a usable photo (a PDF named .jpg is still
 * refused); a document, an audio or a video file is never taken as a photo. A Meta channel's
 * photo download or unsupported kind comes from its adapter (the entry point); a Bot Framework
 * message's files are its attachment URLs, which the pipeline's URL policy applies to.
 */
export function activityToEvent(activity: Partial<Activity>, entry: EntryPoint): TurnEvent {
  if (entry.kind === 'meta') {
    if (entry.photoSource) return { type: 'PHOTO', source: entry.photoSource };
    if (entry.unsupported) return { type: 'UNSUPPORTED', what: entry.unsupported };
    if (entry.form) return { type: 'FORM', nonce: entry.form.nonce, answers: entry.form.answers };
  }
  const file = (activity.attachments ?? []).find((a) => !isCard(a) && typeof a.contentUrl === 'string');
  if (file?.contentUrl) {
    const kind = fileKind(file.contentType);
    if (kind !== 'image') return { type: 'UNSUPPORTED', what: kind };
    const source = file.contentUrl.startsWith('data:')
      ? ({ kind: 'dataUrl', url: file.contentUrl } as const)
      : ({ kind: 'url', url: file.contentUrl } as const);
    return { type: 'PHOTO', source, declaredType: file.contentType };
  }
  const text = (activity.text ?? '').trim();
  if (text) return eventFromText(text);
  if ((activity.attachments ?? []).length > 0) return { type: 'UNSUPPORTED', what: 'card' };
  return { type: 'UNSUPPORTED', what: 'empty' };
}

/** The sender's profile as a Meta channel told it (WhatsApp: profile name and number); Bot Framework clients tell none the bot believes. */
export function senderProfileOf(entry: EntryPoint): SenderProfile | undefined {
  const profile = entry.kind === 'meta' ? entry.profile : undefined;
  return profile && (profile.name || profile.phone) ? profile : undefined;
}
