// @ts-check
/** The state of the page shared by the modules. */

/** @import { HandoffSummary, Me, CatalogEntry, QueueItem, OpenConversation, QueueFilter } from './types.js' */

export const state = {
  /** @type {Me | null} */
  me: null,
  /** Waiting and active handoffs by id. @type {Map<number, QueueItem>} */
  handoffs: new Map(),
  /** Which of the queue's lists is shown. @type {QueueFilter} */
  filter: /** @type {QueueFilter} */ ('all'),
  /** The latest closed handoffs, newest first (fetched when the filter is shown, kept live). @type {HandoffSummary[]} */
  closed: /** @type {HandoffSummary[]} */ ([]),
  /** How many closed in the last 24 hours (the server's count, then counted up live). */
  closedCount: 0,
  /** The search shown instead of the lists, if any. @type {{ query: string, results: HandoffSummary[] } | null} */
  search: /** @type {{ query: string, results: HandoffSummary[] } | null} */ (null),
  /** The supervisor view's range. @type {'today' | '7d'} */
  statsRange: /** @type {'today' | '7d'} */ ('today'),
  /** Display names of officers seen (colleagues list, holders): username -> name. @type {Map<string, string>} */
  officerNames: new Map(),
  /** Conversations with customer messages the officer has not opened yet. @type {Set<string>} */
  unread: new Set(),
  /** @type {OpenConversation | null} */
  sel: null,
  selTokens: 0,
  /** Unsent replies by conversation key. @type {Map<string, string>} */
  drafts: new Map(),
  /** @type {EventSource | null} */
  events: null,
  streamOpened: false,
  retryCount: 0,
  retryTimer: 0,
  /**
   * Live updates are numbered; `touched` has the number of the last one per handoff, so a list
   * or detail answer that was asked for before that update does not overwrite it.
   */
  seq: 0,
  /** @type {Map<number, number>} */
  touched: new Map(),
  listLoading: false,
  /** The list has been fetched once since sign-in: handoffs new after that are alerted. */
  listLoaded: false,
  listAgain: false,
  /** @type {Promise<{ entries: CatalogEntry[], provinces: string[] } | null> | null} */
  catalog: null,
  noticeTimer: 0,
  /** Counts down the wait a refused sign-in (429) was given; 0 when there is none. */
  loginWaitTimer: 0,
};

export function isMine(/** @type {HandoffSummary} */ handoff) {
  return handoff.status === 'active' && !!state.me && handoff.officer === state.me.username;
}
