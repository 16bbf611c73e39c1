/**
 * The WhatsApp messages that send the seller application's Flow (Meta's "Send a Flow" as an
 * interactive message of type `flow`, message version 3, action `navigate` to the form's screen
 * with its data): the reply's text but its last paragraph as the Flow message's body, with the
 * call to action; then the last paragraph ("Prefer to chat?") with the reply's choices as buttons.
 */
import { t, type Locale } from '../../../i18n/messages.js';
import type { OutboundForm, OutboundReply } from '../../meta/types.js';
import { splitText } from '../../meta/textLimits.js';
import { BUTTON_BODY_MAX, splitForInteractive, TEXT_MAX, textBody, whatsAppEnvelope, whatsAppPayloads, type WhatsAppLabels } from '../whatsAppPayloads.js';
import { SELLER_FLOW_SCREEN, sellerFlowData } from './sellerFlow.js';

type Body = Record<string, unknown>;

export interface FlowSend {
  flowId: string;
  /** The signed flow_token naming the form's nonce (flowToken.ts). */
  token: string;
}

/** Meta's limit on a Flow message's body (an interactive body). */
const FLOW_BODY_MAX = BUTTON_BODY_MAX;

export function flowMessagePayloads(to: string, reply: OutboundReply & { form: OutboundForm }, send: FlowSend, labels: WhatsAppLabels): Body[] {
  const locale: Locale = reply.locale ?? 'id';
  const paragraphs = reply.text.trim().split(/\n+/);
  const last = paragraphs.length > 1 ? (paragraphs.pop() ?? '') : '';
  const text = paragraphs.join('\n').trim();
  // The body holds at most 1024 characters: what is more goes first as text messages, cut as for any interactive message.
  const { lead, tail } = splitForInteractive(text, FLOW_BODY_MAX);
  const body = tail.trim() || t(locale, 'seller.flow.cta');
  const envelope = whatsAppEnvelope(to);
  const flow: Body = {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'flow',
      body: { text: body },
      action: {
        name: 'flow',
        parameters: {
          flow_message_version: '3',
          flow_id: send.flowId,
          flow_token: send.token,
          flow_cta: t(locale, 'seller.flow.cta'),
          flow_action: 'navigate',
          flow_action_payload: { screen: SELLER_FLOW_SCREEN, data: sellerFlowData(locale, reply.form.prefill ?? {}) },
        },
      },
    },
  };
  const alternative = reply.choices.length > 0 || last ? whatsAppPayloads(to, { text: last, choices: reply.choices, locale }, labels) : [];
  return [...splitText(lead, TEXT_MAX).map((chunk) => textBody(envelope, chunk)), flow, ...alternative];
}
