// Typed errors of file transfers. Each carries what is needed to resume: an upload's state, or how many
// bytes of a download are safely written.
import { MtprotoError } from '../../errors.ts';
import type { UploadState } from './upload.ts';

export class TransferError extends MtprotoError {
  override name = 'TransferError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An upload that stopped (a part failed for good, or it was aborted): pass `state` as `resume` to go on. */
export class UploadError extends TransferError {
  override name = 'UploadError';
  constructor(message: string, readonly state: UploadState, readonly aborted: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A download that stopped: `written` bytes (from the start of the file) are in the target. */
export class DownloadError extends TransferError {
  override name = 'DownloadError';
  constructor(message: string, readonly written: number, readonly aborted: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}
