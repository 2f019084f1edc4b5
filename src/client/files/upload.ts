// uploadFile: a file sent in parts over a TransferPool, as core.telegram.org/api/files says: parts of one
// size (512 KiB by default: a multiple of 1 KiB dividing 512 KiB), the last smaller; saveBigFilePart with
// file_total_parts for files over 10 MB, saveFilePart (and optionally the MD5) below.
//
// - Parts are read in order and at most `concurrency` are in memory and on the wire at once: memory stays
//   at about concurrency × partSize whatever the file size.
// - A part whose connection drops is sent again by its MtprotoClient on the next connection; a part that
//   times out is sent again on another connection (TransferPool.invokeRetrying).
// - Resumable: `state` (JSON-friendly) lists the parts the server has; after an UploadError (failed or
//   aborted) pass it as `resume` with the same source and only the missing parts are sent.
import { Md5 } from '../../crypto/md5.ts';
import { hex } from '../../session/exchange/shared.ts';
import type { TypeInputFile } from '../../tl/generated/types.ts';
import { UploadError } from './errors.ts';
import type { TransferPool } from './pool.ts';
import { BIG_FILE_THRESHOLD, openSource, type UploadSource } from './source.ts';

export const DEFAULT_PART_SIZE = 524288;
export const MAX_PARTS = 4000;

/** What the server has of an upload (plain JSON: persist it to resume after a restart). */
export interface UploadState {
  /** The file_id (a signed 64-bit integer, in decimal). */
  fileId: string;
  size: number;
  partSize: number;
  parts: number;
  big: boolean;
  /** Part numbers the server acknowledged. */
  done: number[];
}

export interface UploadOptions {
  /** File name in the InputFile (default: the path's base name, or "file"). */
  name?: string;
  /** Size of an async iterable source (needed above 10 MB). */
  size?: number;
  /** Default 512 KiB. */
  partSize?: number;
  /** Parts in flight at once (default 4 per connection). */
  concurrency?: number;
  /** Send the MD5 of small files (the server then checks the whole file). */
  md5?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Called after every part the server acknowledged, with the state to resume from. */
  onState?: (state: UploadState) => void;
  /** Go on with an earlier upload of the same source. */
  resume?: UploadState;
  signal?: AbortSignal;
  /** Per-part call timeout (default: the client's). */
  timeoutMs?: number;
}

export interface UploadedFile {
  /** inputFile / inputFileBig, for inputMediaUploadedDocument and friends. */
  inputFile: TypeInputFile;
  fileId: bigint;
  size: number;
  parts: number;
  big: boolean;
  /** Hex MD5 when it was computed. */
  md5?: string;
}

export async function uploadFile(pool: TransferPool, source: UploadSource, options: UploadOptions = {}): Promise<UploadedFile> {
  const partSize = options.partSize ?? options.resume?.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize <= 0 || partSize % 1024 !== 0 || DEFAULT_PART_SIZE % partSize !== 0) {
    throw new RangeError('partSize must be a multiple of 1024 that divides 524288');
  }
  const reader = await openSource(source, options.size ?? options.resume?.size);
  try {
    const size = reader.size;
    if (size === 0) throw new RangeError('an empty file cannot be uploaded (the server refuses empty parts)');
    const parts = Math.ceil(size / partSize);
    if (parts > MAX_PARTS) throw new RangeError(`${size} bytes make ${parts} parts of ${partSize} bytes: at most ${MAX_PARTS} are allowed`);
    const big = size > BIG_FILE_THRESHOLD;
    const name = options.name ?? reader.name ?? 'file';
    const resume = options.resume;
    if (resume && (resume.size !== size || resume.partSize !== partSize || resume.parts !== parts || resume.big !== big)) {
      throw new RangeError('resume state does not match this source (size, part size or mode differ)');
    }
    const fileId = resume ? BigInt(resume.fileId) : randomFileId();
    const state: UploadState = { fileId: fileId.toString(), size, partSize, parts, big, done: resume ? [...resume.done] : [] };
    const done = new Set(state.done);
    const hash = options.md5 && !big ? new Md5() : undefined;
    const concurrency = options.concurrency ?? pool.size * 4;
    let sent = 0;
    for (const p of done) sent += Math.min(partSize, size - p * partSize);
    options.onProgress?.(sent, size);

    // A window of `concurrency` parts: part i is read once a slot is free, then sent.
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const signal = options.signal;
    for (let i = 0; i < parts && failure === undefined; i++) {
      if (signal?.aborted) break;
      const bytes = await reader.read(partSize);
      hash?.update(bytes);
      if (done.has(i)) continue;
      const request = big
        ? { _: 'upload.saveBigFilePart' as const, fileId, filePart: i, fileTotalParts: parts, bytes }
        : { _: 'upload.saveFilePart' as const, fileId, filePart: i, bytes };
      const task: Promise<void> = pool.invokeRetrying(request, { signal, timeoutMs: options.timeoutMs }).then(
        (ok) => {
          if (ok !== true) throw new Error(`the server answered false to part ${i}`);
          done.add(i);
          state.done.push(i);
          sent += bytes.length;
          options.onProgress?.(sent, size);
          options.onState?.(state);
        },
      ).catch((error) => {
        failure ??= error;
      }).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (signal?.aborted || failure !== undefined) {
      const aborted = signal?.aborted === true;
      const snapshot = { ...state, done: [...state.done].sort((a, b) => a - b) };
      throw new UploadError(aborted ? `upload aborted after ${snapshot.done.length} of ${parts} parts` : `upload failed after ${snapshot.done.length} of ${parts} parts: ${(failure as Error)?.message}`, snapshot, aborted, { cause: aborted ? signal!.reason : failure });
    }
    const md5 = hash && hex(hash.digest());
    const inputFile: TypeInputFile = big
      ? { _: 'inputFileBig', id: fileId, parts, name }
      : { _: 'inputFile', id: fileId, parts, name, md5Checksum: md5 ?? '' };
    return { inputFile, fileId, size, parts, big, md5 };
  } finally {
    await reader.close();
  }
}

function randomFileId(): bigint {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return new DataView(b.buffer).getBigInt64(0, true);
}
