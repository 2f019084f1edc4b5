// downloadFile: upload.getFile in parallel over a TransferPool, written in order to a file path or a sink.
//
// - Requests follow the spec's rules: offsets are multiples of the part size (1 MiB by default: a multiple
//   of 4096 dividing 1 MiB), so no request crosses a 1 MiB boundary.
// - At most `concurrency` parts are requested ahead of what is written: memory stays at about
//   concurrency × partSize. Parts are written in order, so the target always holds a prefix of the file.
// - Resumable: a file target with `resume: true` goes on from its current length (rounded down to a part);
//   a sink gets `offset` (bytes it already has). A DownloadError says how many bytes are written.
// - The end: `size` when given (document.size), else the first part shorter than the part size.
import type { RawDocument, TypeInputFileLocation } from '../../tl/generated/types.ts';
import { DownloadError } from './errors.ts';
import type { TransferPool } from './pool.ts';

export const DEFAULT_DOWNLOAD_PART = 1048576;

/** Receives the file's bytes in order. */
export interface DownloadSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

export type DownloadTarget = string | { path: string } | DownloadSink;

export interface DownloadOptions {
  /** File size when known (document.size): progress has a total and no request goes past the end. */
  size?: number;
  /** Default 1 MiB. */
  partSize?: number;
  /** Parts requested ahead of the writer (default 2 per connection). */
  concurrency?: number;
  /** File target: keep what is there and go on from it (default false: start over). */
  resume?: boolean;
  /** Sink target: bytes it already has (the download starts there). */
  offset?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DownloadResult {
  /** Bytes in the target at the end (the file size). */
  size: number;
}

/** The location upload.getFile takes for a document. */
export function documentLocation(document: RawDocument, thumbSize = ''): TypeInputFileLocation {
  return { _: 'inputDocumentFileLocation', id: document.id, accessHash: document.accessHash, fileReference: document.fileReference, thumbSize };
}

export async function downloadFile(pool: TransferPool, location: TypeInputFileLocation, target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
  const partSize = options.partSize ?? DEFAULT_DOWNLOAD_PART;
  if (!Number.isInteger(partSize) || partSize <= 0 || partSize % 4096 !== 0 || DEFAULT_DOWNLOAD_PART % partSize !== 0) {
    throw new RangeError('partSize must be a multiple of 4096 that divides 1048576');
  }
  const size = options.size;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) throw new RangeError('size must be a non-negative integer');
  const writer = await openTarget(target, options);
  let written = writer.start;
  const signal = options.signal;
  try {
    // Begin at the part holding byte `written`; skip what the target has of it.
    let nextOffset = Math.floor(written / partSize) * partSize;
    let skip = written - nextOffset;
    let end = size; // known end (exclusive), if any
    const concurrency = options.concurrency ?? pool.size * 2;
    const results = new Map<number, Promise<Uint8Array>>();
    let writeOffset = nextOffset;
    options.onProgress?.(written, size ?? 0);
    const request = (offset: number) =>
      pool.invokeRetrying({ _: 'upload.getFile', location, offset: BigInt(offset), limit: partSize }, { signal, timeoutMs: options.timeoutMs })
        .then((r) => {
          if (r._ !== 'upload.file') throw new DownloadError(`unexpected ${r._} (CDN downloads are not supported)`, written, false);
          return r.bytes;
        });
    const fill = () => {
      while (results.size < concurrency && (end === undefined || nextOffset < end)) {
        const p = request(nextOffset);
        p.catch(() => undefined); // awaited in order below
        results.set(nextOffset, p);
        nextOffset += partSize;
      }
    };
    for (;;) {
      if (end !== undefined && writeOffset >= end) break;
      fill();
      const pending = results.get(writeOffset);
      if (!pending) break;
      const bytes = await pending;
      results.delete(writeOffset);
      if (bytes.length > partSize) throw new DownloadError(`the server sent ${bytes.length} bytes for a ${partSize}-byte part`, written, false);
      const chunk = skip > 0 ? bytes.subarray(skip) : bytes;
      skip = 0;
      if (chunk.length > 0) {
        await writer.write(chunk, written);
        written += chunk.length;
        options.onProgress?.(written, size ?? 0);
      }
      writeOffset += partSize;
      if (bytes.length < partSize) {
        // The last part: requests past it are not needed.
        if (size !== undefined && written !== size) throw new DownloadError(`the file ended at ${written} bytes, ${size} were expected`, written, false);
        end = writeOffset;
        break;
      }
    }
    await Promise.allSettled(results.values());
    // Full parts up to a known end say nothing of the size: check it (the loop may also stop early).
    if (size !== undefined && written !== size) {
      throw new DownloadError(written < size ? `the file ended at ${written} bytes, ${size} were expected` : `the server sent ${written} bytes, more than the ${size} expected`, written, false);
    }
    await writer.finish(written);
    return { size: written };
  } catch (error) {
    await writer.abort().catch(() => undefined);
    if (error instanceof DownloadError) throw error;
    const aborted = signal?.aborted === true;
    throw new DownloadError(aborted ? `download aborted after ${written} bytes` : `download failed after ${written} bytes: ${(error as Error).message}`, written, aborted, { cause: error });
  }
}

interface TargetWriter {
  /** Bytes the target has already. */
  start: number;
  write(chunk: Uint8Array, at: number): Promise<void>;
  finish(length: number): Promise<void>;
  abort(): Promise<void>;
}

async function openTarget(target: DownloadTarget, options: DownloadOptions): Promise<TargetWriter> {
  if (typeof target === 'string' || (typeof target === 'object' && target !== null && 'path' in target && typeof target.path === 'string')) {
    const path = typeof target === 'string' ? target : target.path;
    const { open } = await import('node:fs/promises');
    const file = await open(path, options.resume ? 'a+' : 'w');
    let start = 0;
    if (options.resume) {
      start = (await file.stat()).size;
      await file.close();
    }
    // Positioned writes need a handle not opened for append.
    const handle = options.resume ? await open(path, 'r+') : file;
    return {
      start,
      async write(chunk, at) {
        for (let done = 0; done < chunk.length;) {
          const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, at + done);
          done += bytesWritten;
        }
      },
      async finish(length) {
        await handle.truncate(length);
        await handle.close();
      },
      abort: () => handle.close(),
    };
  }
  if (typeof target === 'object' && target !== null && typeof (target as DownloadSink).write === 'function') {
    const sink = target as DownloadSink;
    const start = options.offset ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('offset must be a non-negative integer');
    return {
      start,
      write: async (chunk) => {
        await sink.write(chunk);
      },
      finish: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    };
  }
  throw new TypeError('target must be a file path, { path } or a sink with write(chunk)');
}
