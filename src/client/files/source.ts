// Where upload bytes come from, one part at a time and in order: a Uint8Array, a file path (read with
// positioned reads, so the whole file never sits in memory) or an async iterable of chunks.
export type UploadSource = Uint8Array | string | { path: string } | AsyncIterable<Uint8Array>;

export interface PartReader {
  /** Total bytes. */
  readonly size: number;
  /** Name for the InputFile (a path's base name). */
  readonly name?: string;
  /** The next `length` bytes (parts are asked for in order; the last may be shorter). */
  read(length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Files over this size go through saveBigFilePart (must match the server's BIG_FILE_THRESHOLD). */
export const BIG_FILE_THRESHOLD = 10 * 1024 * 1024;

export async function openSource(source: UploadSource, size?: number): Promise<PartReader> {
  if (source instanceof Uint8Array) return bytesReader(source);
  if (typeof source === 'string' || (typeof source === 'object' && source !== null && 'path' in source && typeof source.path === 'string')) {
    return fileReader(typeof source === 'string' ? source : source.path);
  }
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) return iterableReader(source, size);
  throw new TypeError('source must be a Uint8Array, a file path, { path } or an async iterable of Uint8Array');
}

function bytesReader(bytes: Uint8Array): PartReader {
  let at = 0;
  return {
    size: bytes.length,
    read(length) {
      const part = bytes.subarray(at, at + length);
      at += part.length;
      return Promise.resolve(part);
    },
    close: () => Promise.resolve(),
  };
}

async function fileReader(path: string): Promise<PartReader> {
  const { open } = await import('node:fs/promises');
  const { basename } = await import('node:path');
  const file = await open(path, 'r');
  const size = (await file.stat()).size;
  let at = 0;
  return {
    size,
    name: basename(path),
    async read(length) {
      const part = new Uint8Array(Math.min(length, size - at));
      for (let done = 0; done < part.length;) {
        const { bytesRead } = await file.read(part, done, part.length - done, at + done);
        if (bytesRead === 0) throw new RangeError(`${path} shrank while being read`);
        done += bytesRead;
      }
      at += part.length;
      return part;
    },
    close: () => file.close(),
  };
}

/**
 * An async iterable: its size must be known up front for big-file mode (file_total_parts goes with every
 * part). Without `size`, up to 10 MB are buffered to learn whether it is a small file; a longer stream
 * without `size` is refused.
 */
async function iterableReader(iterable: AsyncIterable<Uint8Array>, size?: number): Promise<PartReader> {
  const it = iterable[Symbol.asyncIterator]();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let ended = false;
  const pull = async (want: number) => {
    while (!ended && pendingBytes < want) {
      const r = await it.next();
      if (r.done) ended = true;
      else if (r.value.length > 0) {
        if (!(r.value instanceof Uint8Array)) throw new TypeError('source chunks must be Uint8Array');
        pending.push(r.value);
        pendingBytes += r.value.length;
      }
    }
  };
  if (size === undefined) {
    await pull(BIG_FILE_THRESHOLD + 1);
    if (!ended) {
      await it.return?.();
      throw new RangeError('an async iterable source over 10 MB needs options.size (big-file mode sends the part count with every part)');
    }
    size = pendingBytes;
  }
  let served = 0;
  const total = size;
  return {
    size: total,
    async read(length) {
      const want = Math.min(length, total - served);
      await pull(want);
      if (pendingBytes < want) throw new RangeError(`source ended after ${served + pendingBytes} bytes, ${total} were announced`);
      const part = new Uint8Array(want);
      let done = 0;
      while (done < want) {
        const head = pending[0];
        const n = Math.min(head.length, want - done);
        part.set(head.subarray(0, n), done);
        done += n;
        if (n === head.length) pending.shift();
        else pending[0] = head.subarray(n);
      }
      pendingBytes -= want;
      served += want;
      if (served === total) {
        await pull(1);
        if (pendingBytes > 0) throw new RangeError(`source is longer than the ${total} bytes announced`);
      }
      return part;
    },
    async close() {
      pending = [];
      if (!ended) await it.return?.();
    },
  };
}
