/**
 * What a dialog says, as message keys and values, never as sentences: the bot renders a Reply in
 * the conversation's language (locales/) and the channel adapter fits it to the channel.
 */
export interface Choice {
  /** What the tap sends back as text; also works when typed. */
  value: string;
  /** Message key of the button label. */
  key: string;
  vars?: Record<string, string | number>;
}

export interface SummaryLine {
  labelKey: string;
  value?: string;
  valueKey?: string;
}

export interface Reply {
  key: string;
  vars?: Record<string, string | number>;
  /** Label/value lines appended under the sentence (the summary before submitting). */
  lines?: SummaryLine[];
  /** Sentences appended as paragraphs after the lines (e.g. "or tap your WhatsApp name"). */
  after?: Array<{ key: string; vars?: Record<string, string | number> }>;
  choices?: Choice[];
  /**
   * A form the channel sends with this message (the seller application as a WhatsApp Flow), named
   * by the nonce its flow_token carries back. Channels without forms never get such a reply.
   */
  form?: { kind: 'sellerApplication'; nonce: string; prefill?: { name?: string; phone?: string } };
}

export const reply = (key: string, vars?: Reply['vars'], choices?: Choice[]): Reply => ({
  key,
  ...(vars ? { vars } : {}),
  ...(choices ? { choices } : {}),
});
