// Incoming bytes waiting to be framed: one growable buffer with read/write offsets. It never holds more
// than its limit (a declared frame length is checked against the limit before its bytes are awaited).
import { TransportError } from '../errors.ts';

export class ByteQueue {
  private buffer: Uint8Array<ArrayBuffer>;
  private start = 0;
  private end = 0;

  constructor(
    /** The most bytes the queue will ever hold; pushing past it is a TransportError. */
    readonly limit: number,
    initialCapacity = 64 * 1024,
  ) {
    this.buffer = new Uint8Array(Math.min(initialCapacity, limit));
  }

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.limit) {
      throw new TransportError(`more than ${this.limit} bytes buffered without a complete frame`);
    }
    if (this.end + chunk.length > this.buffer.length) this.makeRoom(chunk.length);
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The byte at `index` from the front (index < length). */
  at(index: number): number {
    return this.buffer[this.start + index];
  }

  /** Little-endian uint32 at `index` from the front (index + 4 ≤ length). */
  uint32(index: number): number {
    const i = this.start + index;
    const b = this.buffer;
    return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  }

  /** A view of the first `n` bytes, without consuming them. Valid until the next push. */
  peek(n: number): Uint8Array<ArrayBuffer> {
    return this.buffer.subarray(this.start, this.start + n);
  }

  /** Removes the first `n` bytes and returns a copy of them. */
  take(n: number): Uint8Array<ArrayBuffer> {
    const out = this.buffer.slice(this.start, this.start + n);
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }

  private makeRoom(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length && this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      const next = new Uint8Array(Math.min(this.limit, Math.max(needed, this.buffer.length * 2)));
      next.set(this.buffer.subarray(this.start, this.end));
      this.buffer = next;
    }
    this.end -= this.start;
    this.start = 0;
  }
}
