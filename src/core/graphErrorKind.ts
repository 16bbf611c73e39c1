// Classified by the Meta channel (src/channels/meta/graphErrors.ts), counted by the metrics.

/**
 * How a failed Graph API call should be handled:
 * - `throttled`: rate limits (130429, 131056, 80007, 4, 613, 17, 32, HTTP 429): retry after a backoff;
 * - `transient`: 5xx, 1, 2, 1200, 131000, 131016, 131057, network errors: retry after a backoff;
 * - `windowClosed`: outside the 24-hour window (131047; Messenger 10/2018278, 2534022): never retried,
 *   recorded so it is visible; a template or the human-agent tag is the only way to reach the user;
 * - `auth`: invalid or expired token (190, 102): not retried, alert an operator;
 * - `permanent`: everything else (bad request, blocked user, undeliverable): not retried;
 * - `ambiguous`: a send with no answer from Graph after its request may have reached it (timed out,
 *   or the connection broke after it was written): it may have been delivered, and Graph has no
 *   idempotency key, so it is never sent again blindly (see GraphClient.post).
 */
export type GraphErrorKind = 'throttled' | 'transient' | 'windowClosed' | 'auth' | 'permanent' | 'ambiguous';
