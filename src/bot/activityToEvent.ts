import type { Activity, Attachment } from 'botbuilder';
import type { DialogEvent, PhotoInput, SenderProfile } from '../../dialogs/events.js';
import { eventFromText } from '../../dialogs/toEvent.js';

/** Attachments that are cards or other rich content, not files the user sent. */
const isCard = (a: Attachment) => a.contentType.startsWith('application/vnd.microsoft.');

/**
 * What a Bot Framework message means to the dialog. Any file is offered to the photo pipeline,
 * which decides by its bytes whether it is a usable photo (a PDF named .jpg is still refused).
 */
export function activityToEvent(activity: Partial<Activity>): DialogEvent {
  // Meta channels (src/channels/meta) hand over a photo download or an unsupported kind here.
  const data = (activity.channelData ?? {}) as { photoSource?: PhotoInput; unsupported?: string };
  if (data.photoSource) return { type: 'PHOTO', source: data.photoSource };
  if (data.unsupported) return { type: 'UNSUPPORTED', what: data.unsupported };
  const file = (activity.attachments ?? []).find((a) => !isCard(a) && typeof a.contentUrl === 'string');
  if (file?.contentUrl) {
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

/** The sender's profile a channel passed along (WhatsApp: profile name and number). */
export function senderProfileOf(activity: Partial<Activity>): SenderProfile | undefined {
  const profile = (activity.channelData as { profile?: SenderProfile } | undefined)?.profile;
  return profile && (profile.name || profile.phone) ? profile : undefined;
}
