// Updates: anything the server pushes that is not an answer to a call. Listeners are called
// synchronously; the async iterator buffers (bounded: the oldest are dropped past `limit`, counted in
// `dropped`) until it is read.
export class UpdateStream<T> implements AsyncIterable<T> {
  dropped = 0;
  private readonly listeners = new Set<(update: T) => void>();
  private readonly buffer: T[] = [];
  private readonly readers: Array<(r: IteratorResult<T>) => void> = [];
  private iterating = 0;
  private ended = false;

  constructor(private readonly limit = 10_000) {}

  /** Calls `listener` with every update; returns a function that removes it. */
  on(listener: (update: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(update: T): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch {
        // A listener's failure is its own; the session goes on.
      }
    }
    if (this.iterating === 0) return;
    const reader = this.readers.shift();
    if (reader) return reader({ value: update, done: false });
    this.buffer.push(update);
    if (this.buffer.length > this.limit) {
      this.buffer.shift();
      this.dropped++;
    }
  }

  end(): void {
    this.ended = true;
    for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.iterating++;
    let finished = false;
    const finish = (): IteratorResult<T> => {
      if (!finished) {
        finished = true;
        this.iterating--;
        if (this.iterating === 0) this.buffer.length = 0;
      }
      return { value: undefined, done: true };
    };
    return {
      next: () => {
        if (finished) return Promise.resolve(finish());
        const value = this.buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.ended) return Promise.resolve(finish());
        return new Promise((resolve) => this.readers.push(resolve));
      },
      return: () => Promise.resolve(finish()),
    };
  }
}
