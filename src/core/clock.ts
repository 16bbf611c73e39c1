// Injected wherever time decides something (throttles, windows, working hours, ticket dates), so a
// test sets the time instead of waiting for it.

/** Milliseconds since the epoch; `Date.now` in production. */
export type Clock = () => number;

/** The current time as a Date, for code that keeps ISO times or reads a calendar. */
export type DateClock = () => Date;
