// Hardening of file transfer (a review's findings), each with the case that broke it: the client's download
// size check, the server's limits and expiry of uploads, races on one upload, and the disk store's crash safety.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadFile, DownloadError, type TransferPool } from '../src/client/files/index.ts';
import type { RawDocument, TypeInputFileLocation } from '../src/tl/generated/types.ts';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileService } from '../src/server/cloud/files.ts';
import { DiskFileStore } from '../src/server/cloud/files-store-disk.ts';
import { SLOT, uploadKey } from '../src/server/cloud/files-store.ts';
import type { MethodContext } from '../src/server/methods.ts';
import { RpcError } from '../src/errors.ts';
import { seededBytes } from './helpers/random.ts';

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

// ---- server: limits, expiry, racing completions (FileService called directly, owners from a fake context)

const ctxOf = (owner: string) => ({ authKeyId: owner, sessionId: 1n, layer: 0, now: 0, dcId: 2 }) as unknown as MethodContext;
const rpc = (text: string) => (e: unknown) => e instanceof RpcError && e.code === 400 && e.text === text;
const part = (s: FileService, owner: string, fileId: bigint, filePart: number, length: number) =>
  s.savePart({ _: 'upload.saveFilePart', fileId, filePart, bytes: seededBytes(filePart + 1, length) }, ctxOf(owner));
const complete = (s: FileService, owner: string, id: bigint, parts: number) =>
  s.documentFrom(owner, { _: 'inputFile', id, parts, name: '', md5Checksum: '' }, { mimeType: 'x/y', attributes: [], date: 0 });

test('limits: open uploads per owner (FILE_UPLOADS_TOO_MUCH), bytes per owner (FILE_UPLOAD_BYTES_TOO_MUCH)', T, async () => {
  const s = new FileService({ maxOpenUploads: 3, maxUploadBytes: 16 * KB, sweepIntervalMs: 0 });
  for (const id of [1n, 2n, 3n]) assert.equal(await part(s, 'a', id, 0, KB), true);
  await assert.rejects(part(s, 'a', 4n, 0, KB), rpc('FILE_UPLOADS_TOO_MUCH'));
  assert.equal(s.store.upload('a', 4n), undefined);
  assert.equal(await part(s, 'a', 1n, 1, KB), true); // open uploads go on
  assert.equal(await part(s, 'b', 4n, 0, KB), true); // another owner has its own
  await complete(s, 'a', 1n, 2);
  assert.equal(await part(s, 'a', 4n, 0, KB), true); // a completed upload frees its place
  // Bytes: 'a' holds 3 KiB in three uploads; 13 KiB more fit, not a byte beyond.
  for (let p = 1; p <= 13; p++) assert.equal(await part(s, 'a', 2n, p, KB), true);
  await assert.rejects(part(s, 'a', 3n, 1, KB), rpc('FILE_UPLOAD_BYTES_TOO_MUCH'));
  await assert.rejects(part(s, 'a', 2n, 14, 1), rpc('FILE_UPLOAD_BYTES_TOO_MUCH'));
  assert.equal(await part(s, 'a', 2n, 13, KB), true); // a part sent again replaces its bytes
  assert.deepEqual([...s.store.upload('a', 3n)!.sizes.keys()], [0]);
  assert.equal(await part(s, 'b', 5n, 0, 8 * KB), true);
  await s.close();
});

test('expiry: an upload idle for uploadTtlMs is dropped when looked up, by expireUploads, and to make room', T, async () => {
  const s = new FileService({ maxOpenUploads: 2, sweepIntervalMs: 0 });
  const idle = (owner: string, id: bigint) => (s.store.upload(owner, id)!.updated -= s.uploadTtlMs + 1);
  assert.equal(s.uploadTtlMs, 3_600_000);
  await part(s, 'a', 1n, 0, KB);
  idle('a', 1n);
  await assert.rejects(complete(s, 'a', 1n, 1), rpc('FILE_PART_0_MISSING'));
  assert.equal(s.store.upload('a', 1n), undefined);
  // A part for an expired upload starts it afresh.
  await part(s, 'a', 2n, 0, 4 * KB);
  await part(s, 'a', 2n, 1, 4 * KB);
  idle('a', 2n);
  await part(s, 'a', 2n, 5, KB);
  assert.deepEqual([...s.store.upload('a', 2n)!.sizes.keys()], [5]);
  // At the limit, an expired upload makes room.
  await part(s, 'a', 3n, 0, KB);
  await assert.rejects(part(s, 'a', 4n, 0, KB), rpc('FILE_UPLOADS_TOO_MUCH'));
  idle('a', 3n);
  assert.equal(await part(s, 'a', 4n, 0, KB), true);
  assert.equal(s.store.upload('a', 3n), undefined);
  // The sweep drops every owner's idle uploads, and only those.
  await part(s, 'b', 1n, 0, KB);
  idle('b', 1n);
  idle('a', 4n);
  assert.equal(await s.expireUploads(), 2);
  assert.deepEqual(s.store.uploads().map((u) => `${u.owner}:${u.fileId}`), ['a:2']);
  await s.close();
});

test('expiry: the periodic sweep runs on its own', T, async () => {
  const s = new FileService({ uploadTtlMs: 1, sweepIntervalMs: 10 });
  await part(s, 'a', 1n, 0, KB);
  for (let i = 0; i < 500 && s.store.uploads().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(s.store.uploads().length, 0);
  await s.close();
});

for (const kind of ['memory', 'disk'] as const) {
  test(`${kind} store: a refused first part leaves no upload; racing completions share one document, later ones get FILE_PART_0_MISSING`, T, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'files-hardening-'));
    try {
      const s = new FileService({ store: kind === 'disk' ? await DiskFileStore.open(dir) : undefined, sweepIntervalMs: 0 });
      await assert.rejects(s.savePart({ _: 'upload.saveBigFilePart', fileId: 1n, filePart: 0, fileTotalParts: 3, bytes: new Uint8Array(3000) }, ctxOf('a')), rpc('FILE_PART_SIZE_INVALID'));
      assert.equal(s.store.upload('a', 1n), undefined);
      assert.deepEqual(s.store.uploads(), []);
      if (kind === 'disk') assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
      for (let p = 0; p < 3; p++) await part(s, 'a', 2n, p, 4 * KB);
      // All at once: while the first completion runs, a part sent again is fine, a new part is too late.
      const first = complete(s, 'a', 2n, 3);
      const again = part(s, 'a', 2n, 1, 4 * KB);
      const late = assert.rejects(part(s, 'a', 2n, 3, KB), rpc('FILE_PART_INVALID'));
      const docs = await Promise.all([first, complete(s, 'a', 2n, 3), complete(s, 'a', 2n, 3)]);
      assert.equal(await again, true);
      await late;
      for (const d of docs) assert.equal(d.id, docs[0].id);
      await assert.rejects(complete(s, 'a', 2n, 3), rpc('FILE_PART_0_MISSING')); // consumed
      assert.deepEqual(s.store.uploads(), []);
      const doc: RawDocument = docs[0];
      const stored = s.store.document(doc.id)!;
      assert.deepEqual(Buffer.from(await s.store.readDocument(stored, 0, 12 * KB)), Buffer.concat([1, 2, 3].map((seed) => seededBytes(seed, 4 * KB))));
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const kind of ['memory', 'disk'] as const) {
  test(`${kind} store: an upload restarted in big mode keeps the parts that arrive while its old start is dropped`, T, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'files-hardening-'));
    try {
      const s = new FileService({ store: kind === 'disk' ? await DiskFileStore.open(dir) : undefined, sweepIntervalMs: 0 });
      await part(s, 'a', 7n, 0, 4 * KB); // begun in small mode
      const big = (filePart: number) => s.savePart({ _: 'upload.saveBigFilePart', fileId: 7n, filePart, fileTotalParts: 2, bytes: seededBytes(filePart + 1, 4 * KB) }, ctxOf('a'));
      // Part 0 finds the small-mode start and drops it; part 1 comes meanwhile and begins the big upload.
      assert.deepEqual(await Promise.all([big(0), big(1)]), [true, true]);
      assert.deepEqual([...s.store.upload('a', 7n)!.sizes.keys()].sort(), [0, 1]);
      const doc = await s.documentFrom('a', { _: 'inputFileBig', id: 7n, parts: 2, name: '' }, { mimeType: 'x/y', attributes: [], date: 0 });
      assert.equal(doc.size, 8n * BigInt(KB));
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('disk store: a file id used again right after its upload was sealed starts a new upload, the document keeps its data', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'files-hardening-'));
  try {
    const s = new FileService({ store: await DiskFileStore.open(dir), sweepIntervalMs: 0 });
    await part(s, 'a', 8n, 0, 4 * KB);
    const sealing = complete(s, 'a', 8n, 1);
    // The seal has taken the upload off the table and is writing the document: the same id begins anew.
    while (s.store.upload('a', 8n)) await new Promise((r) => setImmediate(r));
    const again = part(s, 'a', 8n, 0, KB);
    const doc = await sealing;
    assert.equal(await again, true);
    assert.deepEqual(Buffer.from(await s.store.readDocument(s.store.document(doc.id)!, 0, 4 * KB)), Buffer.from(seededBytes(1, 4 * KB)));
    assert.deepEqual([...s.store.upload('a', 8n)!.sizes], [[0, KB]]);
    assert.equal((await complete(s, 'a', 8n, 1)).size, BigInt(KB));
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- disk store: crashes between steps, torn files

const diskDir = () => mkdtempSync(join(tmpdir(), 'files-disk-crash-'));
const baseOf = (owner: string, fileId: bigint) => encodeURIComponent(uploadKey(owner, fileId)).replace(/%/g, '_');

async function sealedDocument(dir: string): Promise<{ doc: RawDocument; data: Buffer }> {
  const s = new FileService({ store: await DiskFileStore.open(dir), sweepIntervalMs: 0 });
  for (let p = 0; p < 3; p++) await part(s, 'a', 9n, p, 4 * KB);
  const doc = await complete(s, 'a', 9n, 3);
  await s.close();
  return { doc, data: Buffer.concat([1, 2, 3].map((seed) => seededBytes(seed, 4 * KB))) };
}

test('disk store: a seal cut short after its .json is finished at open(); a log left after it is removed', T, async () => {
  const dir = diskDir();
  try {
    const { doc, data } = await sealedDocument(dir);
    const id = BigInt.asUintN(64, doc.id).toString(16);
    const json = JSON.parse(readFileSync(join(dir, 'docs', `${id}.json`), 'utf8')) as { upload: string };
    assert.equal(json.upload, baseOf('a', 9n));
    // The crash: the .json is in place, the data and the log are still where the upload left them.
    renameSync(join(dir, 'docs', `${id}.bin`), join(dir, 'uploads', `${json.upload}.bin`));
    writeFileSync(join(dir, 'uploads', `${json.upload}.log`), `${JSON.stringify({ owner: 'a', fileId: '9', big: false })}\n0 4096\n1 4096\n2 4096\n`);
    let store = await DiskFileStore.open(dir, { log: () => undefined });
    assert.deepEqual(Buffer.from(await store.readDocument(store.document(doc.id)!, 0, 12 * KB)), data);
    assert.deepEqual(store.uploads(), []);
    assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
    await store.close();
    // Cut after the data moved: only the log is left behind.
    writeFileSync(join(dir, 'uploads', `${json.upload}.log`), `${JSON.stringify({ owner: 'a', fileId: '9', big: false })}\n0 4096\n`);
    store = await DiskFileStore.open(dir, { log: () => undefined });
    assert.deepEqual(store.uploads(), []);
    assert.deepEqual(readdirSync(join(dir, 'uploads')), []);
    assert.ok(store.document(doc.id));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('disk store: torn headers and document .json are quarantined and reported, a torn part line is a missing part', T, async () => {
  const dir = diskDir();
  try {
    const { doc, data } = await sealedDocument(dir);
    const uploads = join(dir, 'uploads');
    const docs = join(dir, 'docs');
    const head = (fileId: string) => JSON.stringify({ owner: 'b', fileId, big: false });
    writeFileSync(join(uploads, 'torn.log'), head('1').slice(0, 12));
    writeFileSync(join(uploads, 'torn.bin'), new Uint8Array(10));
    writeFileSync(join(uploads, 'good.log'), `${head('2')}\n0 4096\n1 4096\n2 40`); // part 2's line is torn: "40" of "4096"
    writeFileSync(join(uploads, 'good.bin'), new Uint8Array(3 * SLOT));
    writeFileSync(join(docs, 'abc.json'), '{"id":"12","accessHash":"3');
    writeFileSync(join(docs, 'abc.bin'), new Uint8Array(10));
    writeFileSync(join(docs, 'def.json.tmp'), '{"id":');
    const messages: string[] = [];
    const store = await DiskFileStore.open(dir, { log: (m) => messages.push(m) });
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.match(messages.join('\n'), /torn\.\* quarantined: unreadable upload header/);
    assert.match(messages.join('\n'), /abc\.\* quarantined: unreadable document/);
    assert.deepEqual(readdirSync(join(dir, 'quarantine')).sort(), ['abc.bin', 'abc.json', 'torn.bin', 'torn.log']);
    assert.deepEqual([...store.upload('b', 2n)!.sizes], [[0, 4096], [1, 4096]]);
    assert.equal(store.upload('b', 1n), undefined);
    assert.ok(!readdirSync(docs).includes('def.json.tmp'));
    assert.deepEqual(Buffer.from(await store.readDocument(store.document(doc.id)!, 0, 12 * KB)), data);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('disk store: an upload whose files cannot be made fails its parts cleanly (no unhandled rejection)', T, async () => {
  const dir = diskDir();
  try {
    const store = await DiskFileStore.open(dir);
    mkdirSync(join(dir, 'uploads', `${baseOf('a', 7n)}.bin`)); // writeFile on it fails (EISDIR)
    const record = store.beginUpload('a', 7n, false);
    await new Promise((r) => setTimeout(r, 50)); // the creation has failed by now, with no one waiting on it
    await assert.rejects(store.writePart(record, 0, new Uint8Array(KB)), /EISDIR|EPERM/);
    rmSync(join(dir, 'uploads', `${baseOf('a', 7n)}.bin`), { recursive: true });
    await store.dropUpload(record);
    assert.deepEqual(store.uploads(), []);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
