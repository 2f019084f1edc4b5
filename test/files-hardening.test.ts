// Hardening of file transfer (a review's findings), each with the case that broke it: the client's download
// size check, the server's limits and expiry of uploads, races on one upload, and the disk store's crash safety.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadFile, DownloadError, type TransferPool } from '../src/client/files/index.ts';
import type { TypeInputFileLocation } from '../src/tl/generated/types.ts';

const T = { timeout: 30_000 };
const KB = 1024;
const MIB = 1048576;
const LOCATION: TypeInputFileLocation = { _: 'inputDocumentFileLocation', id: 1n, accessHash: 1n, fileReference: new Uint8Array(4), thumbSize: '' };

/** A pool whose server holds `length` bytes and answers upload.getFile as ours does (empty past the end). */
function fakePool(length: number): TransferPool {
  return {
    size: 1,
    invokeRetrying: (r: { offset: bigint; limit: number }) => {
      const start = Math.min(Number(r.offset), length);
      return Promise.resolve({ _: 'upload.file', type: { _: 'storage.fileUnknown' }, mtime: 0, bytes: new Uint8Array(Math.min(r.limit, length - start)) });
    },
  } as unknown as TransferPool;
}

test('downloadFile: a known size that full parts overrun, or that is never reached, is a DownloadError', T, async () => {
  // The server has 2 MiB, the caller expects 1.5 MiB: both parts come back full.
  const chunks: Uint8Array[] = [];
  const long = await downloadFile(fakePool(2 * MIB), LOCATION, { write: (c) => void chunks.push(c) }, { size: 1.5 * MIB }).catch((e: unknown) => e);
  assert.ok(long instanceof DownloadError, `expected a DownloadError, got ${String(long)}`);
  assert.match(long.message, /more than the 1572864 expected/);
  // Nothing requested (no concurrency): the file stops at 0 bytes of 4 KiB.
  const short = await downloadFile(fakePool(4 * KB), LOCATION, { write() {} }, { size: 4 * KB, concurrency: 0 }).catch((e: unknown) => e);
  assert.ok(short instanceof DownloadError, `expected a DownloadError, got ${String(short)}`);
  assert.match(short.message, /ended at 0 bytes, 4096 were expected/);
  // The right size still downloads.
  assert.deepEqual(await downloadFile(fakePool(2 * MIB), LOCATION, { write() {} }, { size: 2 * MIB }), { size: 2 * MIB });
  assert.deepEqual(await downloadFile(fakePool(5000), LOCATION, { write() {} }, { size: 5000, partSize: 4096 }), { size: 5000 });
});
