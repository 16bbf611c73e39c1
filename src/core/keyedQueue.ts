/**
 * Runs tasks one at a time per key, in the order they were added, and tasks of different keys in
 * parallel: one conversation's turns never overlap, and a slow conversation holds up no other.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for metrics and tests). */
  get size(): number {
    return this.tails.size;
  }
}
