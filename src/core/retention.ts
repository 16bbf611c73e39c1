/**
 * How long the service remembers that it handled a channel's message (processed ids, webhook
 * inbox rows, reply sends, Redis dedupe keys): Meta redelivers a webhook for up to 7 days, so a
 * day more than that is kept. One setting for every store that recognises redeliveries.
 */
export const REDELIVERY_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;
