/**
 * A part the composition root builds after a part that needs it: the wiring has two cycles (the
 * ticket service queues retries on the outbox queue that files through it; the outbox queue tells
 * applicants late numbers through channels built from the dialog engine that uses the ticket
 * service). Each is closed with one of these, set once the part exists; reading it before then
 * throws, naming the part, instead of a closure silently reaching a `const` not yet declared.
 */
export interface Later<T> {
  set(value: T): T;
  get(): T;
}

export function later<T>(part: string): Later<T> {
  let value: { v: T } | undefined;
  return {
    set(v) {
      if (value) throw new Error(`${part} was set twice`);
      value = { v };
      return v;
    },
    get() {
      if (!value) throw new Error(`${part} used before it was built`);
      return value.v;
    },
  };
}
