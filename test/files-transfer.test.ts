// uploadFile / downloadFile over a TransferPool against our server: sizes around every threshold (1 byte,
// part boundaries, 10 MB ± 1 where big-file mode starts), every source and target kind, progress, md5,
// typed errors; transfers that lose their connections over and over; an upload and a download stopped
// half-way and resumed later (a new pool on the same auth key, the state through JSON, the partial file).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { FileService } from '../src/server/cloud/files.ts';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import { TransferPool, uploadFile, downloadFile, documentLocation, UploadError, DownloadError, type UploadState, BIG_FILE_THRESHOLD } from '../src/client/files/index.ts';
import type { RawDocument, TypeInputFile } from '../src/tl/generated/types.ts';
import { serverKey } from './helpers/exchange.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 60_000 };
let server: MtprotoServer;
let pool: TransferPool;
const storage = new MemoryStorage();
const dir = mkdtempSync(join(tmpdir(), 'files-transfer-'));

before(async () => {
  server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods: new FileService().methodRecord() });
  pool = await TransferPool.connect(options(), 3);
});

after(async () => {
  await pool.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function options() {
  return { host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0, storage, reconnectMinMs: 5, reconnectMaxMs: 50 };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function toDocument(file: TypeInputFile, p = pool): Promise<RawDocument> {
  const media = await p.invoke({ _: 'messages.uploadMedia', peer: { _: 'inputPeerSelf' }, media: { _: 'inputMediaUploadedDocument', file, mimeType: 'application/octet-stream', attributes: [] } });
  return (media as { document: RawDocument }).document;
}

async function downloadBytes(doc: RawDocument, size?: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await downloadFile(pool, documentLocation(doc), { write: (c) => void chunks.push(c.slice()) }, { size });
  return Buffer.concat(chunks);
}

test('round trips of sizes around part boundaries and the 10 MB big-file threshold', T, async () => {
  const sizes = [1, 1023, 1024, 524287, 524288, 524289, 1048576, 1048577, BIG_FILE_THRESHOLD - 1, BIG_FILE_THRESHOLD, BIG_FILE_THRESHOLD + 1];
  for (const size of sizes) {
    const data = seededBytes(size, size);
    const progress: Array<[number, number]> = [];
    const up = await uploadFile(pool, data, { name: `s${size}`, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(up.big, size > BIG_FILE_THRESHOLD, `big mode for ${size}`);
    assert.equal(up.inputFile._, size > BIG_FILE_THRESHOLD ? 'inputFileBig' : 'inputFile');
    assert.equal(up.parts, Math.ceil(size / 524288));
    assert.deepEqual(progress.at(-1), [size, size]);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0]);
    const doc = await toDocument(up.inputFile);
    assert.equal(doc.size, BigInt(size));
    // Once with the size known, once finding the end from a short part.
    assert.equal(sha256(await downloadBytes(doc, size)), sha256(data), `size ${size}`);
    if (size < 2 * 1048576 || size === BIG_FILE_THRESHOLD) assert.equal(sha256(await downloadBytes(doc)), sha256(data), `size ${size}, end unknown`);
  }
});

test('sources and targets: file path, async iterable (with and without size), small part sizes, md5', T, async () => {
  const data = seededBytes(7, 3 * 1048576 + 333);
  const path = join(dir, 'src.bin');
  writeFileSync(path, data);
  const fromPath = await uploadFile(pool, path, { md5: true, partSize: 65536 });
  assert.equal(fromPath.inputFile._, 'inputFile');
  assert.equal((fromPath.inputFile as { name: string }).name, 'src.bin');
  assert.equal(fromPath.md5, createHash('md5').update(data).digest('hex'));
  const doc = await toDocument(fromPath.inputFile); // the server checks the md5
  const out = join(dir, 'out.bin');
  let last = 0;
  const r = await downloadFile(pool, documentLocation(doc), out, { size: Number(doc.size), partSize: 262144, onProgress: (d) => (last = d) });
  assert.equal(r.size, data.length);
  assert.equal(last, data.length);
  assert.equal(sha256(readFileSync(out)), sha256(data));
  async function* chunks(bytes: Uint8Array, step: number) {
    for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, i + step);
  }
  const a = await uploadFile(pool, chunks(data, 100_000), { name: 'stream' });
  assert.equal(sha256(await downloadBytes(await toDocument(a.inputFile))), sha256(data));
  const bigData = seededBytes(8, BIG_FILE_THRESHOLD + 5000);
  await assert.rejects(uploadFile(pool, chunks(bigData, 1 << 20)), /needs options.size/);
  const b = await uploadFile(pool, chunks(bigData, 1 << 20), { size: bigData.length });
  assert.equal(b.big, true);
  assert.equal(sha256(await downloadBytes(await toDocument(b.inputFile))), sha256(bigData));
  await assert.rejects(uploadFile(pool, chunks(data, 1000), { size: data.length + 1 }), /source ended/);
  await assert.rejects(uploadFile(pool, chunks(data, 1000), { size: data.length - 1 }), /longer than/);
});

test('typed errors: empty files, bad options, a wrong md5, a download of nothing', T, async () => {
  await assert.rejects(uploadFile(pool, new Uint8Array(0)), RangeError);
  await assert.rejects(uploadFile(pool, seededBytes(1, 10), { partSize: 1000 }), RangeError);
  await assert.rejects(uploadFile(pool, seededBytes(1, 4000 * 1024 + 1), { partSize: 1024 }), /at most 4000/);
  await assert.rejects(uploadFile(pool, 42 as never), TypeError);
  await assert.rejects(downloadFile(pool, { _: 'inputDocumentFileLocation', id: 1n, accessHash: 1n, fileReference: new Uint8Array(4), thumbSize: '' }, { write() {} }),
    (e: unknown) => e instanceof DownloadError && e.written === 0 && /FILE_ID_INVALID/.test(e.message));
  await assert.rejects(downloadFile(pool, { _: 'inputDocumentFileLocation', id: 1n, accessHash: 1n, fileReference: new Uint8Array(4), thumbSize: '' }, { write() {} }, { partSize: 5000 }), RangeError);
  const up = await uploadFile(pool, seededBytes(2, 5000));
  await assert.rejects(toDocument({ ...(up.inputFile as { _: 'inputFile'; id: bigint; parts: number; name: string }), md5Checksum: 'f'.repeat(32) }), /MD5_CHECKSUM_INVALID/);
});

test('connections dropped again and again during an upload and a download: parts in flight are sent again', T, async () => {
  const data = seededBytes(11, 24 * 1048576 + 17);
  const timer = setInterval(() => server.dropConnections(), 40);
  try {
    const up = await uploadFile(pool, data);
    const doc = await toDocument(up.inputFile);
    assert.equal(sha256(await downloadBytes(doc, data.length)), sha256(data));
  } finally {
    clearInterval(timer);
  }
});

test('an upload stopped half-way resumes later (new pool, same auth key, state through JSON) and sends only what is missing', T, async () => {
  const data = seededBytes(12, 16 * 1048576 + 999);
  const path = join(dir, 'up.bin');
  writeFileSync(path, data);
  const stop = new AbortController();
  let saved = '';
  const error = await uploadFile(pool, path, {
    signal: stop.signal,
    onState: (s) => (saved = JSON.stringify(s)),
    onProgress: (d, t) => d >= t / 2 && stop.abort(new Error('stopped')),
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UploadError && error.aborted, String(error));
  const state = JSON.parse(saved) as UploadState;
  assert.ok(state.done.length >= state.parts / 2 && state.done.length < state.parts, `${state.done.length} of ${state.parts} done`);
  assert.ok((error as UploadError).state.done.length >= state.done.length);
  // Later: another pool on the same stored key (uploads belong to their auth key).
  const later = await TransferPool.connect(options(), 2);
  try {
    let sentAgain = 0;
    const up = await uploadFile(later, path, { resume: (error as UploadError).state, onState: () => sentAgain++ });
    assert.ok(sentAgain <= state.parts - state.done.length, `sent ${sentAgain} parts again`);
    assert.equal(up.fileId.toString(), state.fileId);
    const doc = await toDocument(up.inputFile, later);
    assert.equal(sha256(await downloadBytes(doc, data.length)), sha256(data));
    await assert.rejects(uploadFile(later, seededBytes(1, 100), { resume: state }), /does not match/);
  } finally {
    await later.close();
  }
});

test('a download stopped half-way resumes from the partial file', T, async () => {
  const data = seededBytes(13, 12 * 1048576 + 4321);
  const doc = await toDocument((await uploadFile(pool, data)).inputFile);
  const out = join(dir, 'down.bin');
  const stop = new AbortController();
  const error = await downloadFile(pool, documentLocation(doc), out, {
    size: data.length, signal: stop.signal, onProgress: (d, t) => d >= t / 2 && stop.abort(new Error('stopped')),
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof DownloadError && error.aborted, String(error));
  const written = (error as DownloadError).written;
  assert.ok(written >= data.length / 2 && written < data.length);
  assert.equal(statSync(out).size, written, 'the file holds exactly the bytes reported written');
  assert.deepEqual(readFileSync(out), Buffer.from(data.subarray(0, written)));
  let first = -1;
  const r = await downloadFile(pool, documentLocation(doc), out, { size: data.length, resume: true, onProgress: (d) => first < 0 && (first = d) });
  assert.equal(first, written, 'resumed where it stopped');
  assert.equal(r.size, data.length);
  assert.equal(sha256(readFileSync(out)), sha256(data));
  // A sink that has some bytes already: an offset that is not on a part boundary.
  const chunks: Uint8Array[] = [];
  await downloadFile(pool, documentLocation(doc), { write: (c) => void chunks.push(c.slice()) }, { offset: 1048576 + 100, size: data.length });
  assert.equal(sha256(Buffer.concat(chunks)), sha256(data.subarray(1048576 + 100)));
});
