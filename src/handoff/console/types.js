// @ts-check
/**
 * The shapes the console works with: JSDoc types only, nothing here runs in the page (other
 * modules name them in a JSDoc `@import` tag, which the browser never loads).
 */

/**
 * @typedef {{ itsmNumber: string, apktNumber: string }} Ticket
 * @typedef {{
 *   itsmNumber: string, apktNumber: string | null, serviceType: string, catalogNumber: number | null,
 *   filedBy: string | null, createdAt: string, status: string, previousNumber: string | null
 * }} FiledTicket
 * @typedef {{
 *   id: number, conversationKey: string, channel: string, conversationId: string,
 *   status: 'waiting' | 'active' | 'closed', reason: string, priority: number,
 *   officer: string | null, officerName: string | null,
 *   requestedAt: string, takenAt: string | null, closedAt: string | null,
 *   outcome: 'handedBack' | 'closed' | null, waitingSeconds: number, position: number | null,
 *   form: Record<string, string>, formKind: 'seller' | 'complaint' | null, catalogNumber: number | null,
 *   thumbnail: string | null, guess: string | null, customerName: string | null,
 *   formName: string | null, phone: string | null,
 *   lastMessage: { from: 'customer' | 'bot' | 'agent', text: string, at: string } | null,
 *   ticket: Ticket | null, filed: FiledTicket | null, windowOpen: boolean
 * }} HandoffSummary
 * @typedef {{
 *   id: number, conversationKey: string, at: string, from: 'customer' | 'bot' | 'agent',
 *   text: string, officer: string | null, attachment: string | null,
 *   choices?: string[] | null, note?: boolean,
 *   delivery?: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | null, deliveryError?: string | null
 * }} TranscriptEntry
 * @typedef {{ username: string, displayName: string, csrfToken: string, supervisor?: boolean }} Me
 * @typedef {{ number: number, label: string, group: string }} CatalogEntry
 * @typedef {{ h: HandoffSummary, since: number }} QueueItem
 * @typedef {'seller' | 'complaint'} TicketKind
 * @typedef {'waiting' | 'mine' | 'all' | 'closed'} QueueFilter
 * @typedef {{ wrap: HTMLElement, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, error: HTMLElement }} Control
 * @typedef {{
 *   form: HTMLFormElement, controls: Map<string, Control>, kind: () => TicketKind,
 *   submit: HTMLButtonElement, message: HTMLElement, busy: boolean,
 *   followUp: string | null, keepAsTyped: boolean
 * }} TicketForm
 * @typedef {{
 *   root: HTMLFormElement, textarea: HTMLTextAreaElement, send: HTMLButtonElement, warning: HTMLElement, counter: HTMLElement,
 *   canned: HTMLUListElement, mode: 'reply' | 'note', modeReply: HTMLButtonElement, modeNote: HTMLButtonElement
 * }} Composer
 * @typedef {{
 *   root: HTMLElement, head: HTMLElement, notes: HTMLElement, info: HTMLElement,
 *   transcriptWrap: HTMLElement, transcript: HTMLOListElement, transcriptEmpty: HTMLElement,
 *   ticketBox: HTMLElement, ticketToggle: HTMLButtonElement, ticketForm: TicketForm | null,
 *   composer: Composer, transferBox: HTMLElement
 * }} ConversationView
 * @typedef {{
 *   id: number, token: number, key: string, handoff: HandoffSummary, since: number,
 *   transcript: Map<number, TranscriptEntry>, loaded: boolean, stick: boolean,
 *   busy: boolean, sending: boolean, ticket: Ticket | null, ticketState: 'created' | 'already' | null,
 *   history: CustomerHistory | null,
 *   view: ConversationView
 * }} OpenConversation
 * @typedef {{
 *   handoffs: Array<{ id: number, status: string, reason: string, requestedAt: string, closedAt: string | null, outcome: string | null, officer: string | null, ticket: Ticket | null }>,
 *   tickets: Array<{ number: string, serviceType: string, catalogNumber: number | null, status: string, createdAt: string, previousNumber: string | null }>
 * }} CustomerHistory
 * @typedef {Node | string | null | undefined | false} Child
 */

export {};
