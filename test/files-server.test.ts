// The server's file rules (core.telegram.org/api/files, the upload.* method pages), one by one, over a real
// client connection: part numbers, sizes and counts, big-file mode, completion into a document (missing
// parts, md5), owners, upload.getFile's offset/limit rules and location checks; the disk store across a
// restart; messages.sendMedia through a poster.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { FileService, type MessagePoster } from '../src/server/cloud/files.ts';
import { DiskFileStore } from '../src/server/cloud/files-store-disk.ts';
import { MtprotoClient } from '../src/client/client.ts';
import { RpcError } from '../src/errors.ts';
import type { RawDocument, TlObject, TypeInputFile } from '../src/tl/generated/types.ts';
import { serverKey } from './helpers/exchange.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 30_000 };
const KB = 1024;
const posted: Array<{ from: number; peer: number; message: { message: string; media?: TlObject } }> = [];
const poster: MessagePoster = {
  userOf: () => 7,
  // A stand-in for Cloud.peerOf: user 13 is refused as a wrong access hash would be.
  peerOf: (_ctx, peer) => {
    const p = peer as { _: string; userId?: bigint };
    if (p._ === 'inputPeerSelf') return 7;
    if (p._ === 'inputPeerUser' && p.userId !== 13n) return Number(p.userId);
    throw new RpcError(400, 'PEER_ID_INVALID');
  },
  postMessage: (from, peer, message) => {
    posted.push({ from, peer, message });
    return { _: 'updates', updates: [], users: [], chats: [], date: 0, seq: 0 };
  },
};
let files: FileService;
let server: MtprotoServer;
let client: MtprotoClient;
const clients: MtprotoClient[] = [];
let nextId = 1000n;

before(async () => {
  files = new FileService();
  server = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods: files.methodRecord(poster) });
  client = connect(server);
  await client.connect();
});

after(async () => {
  for (const c of clients) await c.close();
  await server.close();
});

function connect(s: MtprotoServer): MtprotoClient {
  const c = new MtprotoClient({ host: s.host, port: s.port, publicKeys: [s.publicKey], pingIntervalMs: 0, gzipMin: Infinity });
  clients.push(c);
  return c;
}

const save = (fileId: bigint, filePart: number, bytes: Uint8Array, c = client) => c.invoke({ _: 'upload.saveFilePart', fileId, filePart, bytes });
const saveBig = (fileId: bigint, filePart: number, fileTotalParts: number, bytes: Uint8Array, c = client) =>
  c.invoke({ _: 'upload.saveBigFilePart', fileId, filePart, fileTotalParts, bytes });
const rpc = (text: string) => (e: unknown) => e instanceof RpcError && e.code === 400 && e.text === text;
const bytes = (n: number, seed = n) => seededBytes(seed, n);

async function toDocument(file: TypeInputFile, c = client, mimeType = 'application/octet-stream'): Promise<RawDocument> {
  const media = await c.invoke({ _: 'messages.uploadMedia', peer: { _: 'inputPeerSelf' }, media: { _: 'inputMediaUploadedDocument', file, mimeType, attributes: [] } });
  assert.equal(media._, 'messageMediaDocument');
  return (media as { document: RawDocument }).document;
}

/** Uploads `data` in parts of `partSize` (small mode) and makes it a document. */
async function uploadDoc(data: Uint8Array, partSize: number, c = client, mimeType?: string): Promise<RawDocument> {
  const id = nextId++;
  const parts = Math.ceil(data.length / partSize);
  for (let p = 0; p < parts; p++) assert.equal(await save(id, p, data.subarray(p * partSize, (p + 1) * partSize), c), true);
  return toDocument({ _: 'inputFile', id, parts, name: 'f.bin', md5Checksum: '' }, c, mimeType);
}

const getFile = (doc: RawDocument, offset: number, limit: number, precise = false, c = client) =>
  c.invoke({ _: 'upload.getFile', precise, location: { _: 'inputDocumentFileLocation', id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' }, offset: BigInt(offset), limit });

test('saveFilePart: part numbers 0..3999, empty and oversized parts', T, async () => {
  const id = nextId++;
  await assert.rejects(save(id, -1, bytes(KB)), rpc('FILE_PART_INVALID'));
  await assert.rejects(save(id, 4000, bytes(KB)), rpc('FILE_PART_INVALID'));
  await assert.rejects(save(id, 0, new Uint8Array(0)), rpc('FILE_PART_EMPTY'));
  await assert.rejects(save(id, 0, bytes(524288 + 1024)), rpc('FILE_PART_TOO_BIG'));
  assert.equal(await save(id, 3999, bytes(KB)), true);
  assert.equal(await save(nextId++, 0, bytes(524288)), true);
});

test('saveFilePart: one part size for all but the last, which may be smaller and of any size', T, async () => {
  // Sizes other parts may not have: not a multiple of 1024, or not dividing 524288.
  let id = nextId++;
  assert.equal(await save(id, 0, bytes(3 * KB)), true); // alone it may be the last part
  await assert.rejects(save(id, 1, bytes(3 * KB)), rpc('FILE_PART_SIZE_CHANGED')); // now part 0 is not last and 3 KiB is no part size
  id = nextId++;
  assert.equal(await save(id, 1, bytes(1000)), true);
  await assert.rejects(save(id, 0, bytes(1000)), rpc('FILE_PART_SIZE_INVALID'));
  await assert.rejects(save(id, 0, bytes(512)), rpc('FILE_PART_SIZE_INVALID'));
  assert.equal(await save(id, 0, bytes(4 * KB)), true);
  await assert.rejects(save(id, 2, bytes(4 * KB)), rpc('FILE_PART_SIZE_CHANGED')); // part 1 (1000 bytes) would not be last
  id = nextId++;
  assert.equal(await save(id, 0, bytes(8 * KB)), true);
  await assert.rejects(save(id, 1, bytes(16 * KB)), rpc('FILE_PART_SIZE_CHANGED')); // the last may not be larger
  assert.equal(await save(id, 2, bytes(5)), true);
  await assert.rejects(save(id, 1, bytes(4 * KB)), rpc('FILE_PART_SIZE_CHANGED')); // 4 KiB ≠ 8 KiB
  assert.equal(await save(id, 1, bytes(8 * KB)), true);
  // A part sent again with the same size is fine (a retried call).
  assert.equal(await save(id, 1, bytes(8 * KB)), true);
});

test('saveBigFilePart: file_total_parts 1..4000 and the same in every call, part < total, sizes', T, async () => {
  const id = nextId++;
  await assert.rejects(saveBig(id, 0, 0, bytes(KB)), rpc('FILE_PARTS_INVALID'));
  await assert.rejects(saveBig(id, 0, 4001, bytes(KB)), rpc('FILE_PARTS_INVALID'));
  await assert.rejects(saveBig(id, 3, 3, bytes(KB)), rpc('FILE_PART_INVALID'));
  await assert.rejects(saveBig(id, 0, 3, new Uint8Array(0)), rpc('FILE_PART_EMPTY'));
  await assert.rejects(saveBig(id, 0, 3, bytes(600 * KB)), rpc('FILE_PART_TOO_BIG'));
  await assert.rejects(saveBig(id, 0, 3, bytes(3000)), rpc('FILE_PART_SIZE_INVALID')); // part 0 of 3 is not last
  assert.equal(await saveBig(id, 2, 3, bytes(3000)), true); // the last: any size
  assert.equal(await saveBig(id, 0, 3, bytes(4 * KB)), true);
  await assert.rejects(saveBig(id, 1, 4, bytes(4 * KB)), rpc('FILE_PARTS_INVALID'));
  await assert.rejects(save(id, 1, bytes(4 * KB)), rpc('FILE_PARTS_INVALID')); // the other mode
  await assert.rejects(saveBig(id, 1, 3, bytes(2 * KB)), rpc('FILE_PART_SIZE_CHANGED'));
  assert.equal(await saveBig(id, 1, 3, bytes(4 * KB)), true);
  const doc = await toDocument({ _: 'inputFileBig', id, parts: 3, name: 'big.bin' });
  assert.equal(doc.size, BigInt(8 * KB + 3000));
  const id2 = nextId++;
  assert.equal(await saveBig(id2, 0, 2, bytes(KB)), true);
  await assert.rejects(saveBig(id2, 1, 2, bytes(2 * KB)), rpc('FILE_PART_SIZE_CHANGED')); // last larger than the rest
});

test('inputFile → document: missing parts, counts, modes, md5, owners', T, async () => {
  await assert.rejects(toDocument({ _: 'inputFile', id: nextId++, parts: 1, name: 'x', md5Checksum: '' }), rpc('FILE_PART_0_MISSING'));
  let id = nextId++;
  for (const p of [0, 2]) await save(id, p, bytes(KB, p));
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 3, name: 'x', md5Checksum: '' }), rpc('FILE_PART_1_MISSING'));
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 0, name: 'x', md5Checksum: '' }), rpc('FILE_PARTS_INVALID'));
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 4001, name: 'x', md5Checksum: '' }), rpc('FILE_PARTS_INVALID'));
  await save(id, 1, bytes(KB, 1));
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 2, name: 'x', md5Checksum: '' }), rpc('FILE_PARTS_INVALID')); // a part beyond
  await assert.rejects(toDocument({ _: 'inputFileBig', id, parts: 3, name: 'x' }), rpc('FILE_PARTS_INVALID')); // uploaded in small mode
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 3, name: 'x', md5Checksum: '0'.repeat(32) }), rpc('MD5_CHECKSUM_INVALID'));
  // Another auth key does not see this upload.
  const other = connect(server);
  await other.connect();
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 3, name: 'x', md5Checksum: '' }, other), rpc('FILE_PART_0_MISSING'));
  const whole = new Uint8Array([...bytes(KB, 0), ...bytes(KB, 1), ...bytes(KB, 2)]);
  const md5 = createHash('md5').update(whole).digest('hex');
  const doc = await toDocument({ _: 'inputFile', id, parts: 3, name: 'three.bin', md5Checksum: md5.toUpperCase() }, client, 'image/jpeg');
  assert.equal(doc.size, 3072n);
  assert.equal(doc.mimeType, 'image/jpeg');
  assert.equal(doc.dcId, 2);
  assert.deepEqual(doc.attributes, [{ _: 'documentAttributeFilename', fileName: 'three.bin' }]);
  // The upload is consumed.
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 3, name: 'x', md5Checksum: '' }), rpc('FILE_PART_0_MISSING'));
  const file = await getFile(doc, 0, 4096);
  assert.equal(file._, 'upload.file');
  assert.deepEqual((file as { type: TlObject }).type, { _: 'storage.fileJpeg' });
  assert.deepEqual(Buffer.from((file as { bytes: Uint8Array }).bytes), Buffer.from(whole));
  // saveFilePart is for files up to 10 MB.
  id = nextId++;
  for (let p = 0; p < 21; p++) await save(id, p, bytes(524288, 3));
  await assert.rejects(toDocument({ _: 'inputFile', id, parts: 21, name: 'x', md5Checksum: '' }), rpc('FILE_PARTS_INVALID'));
  // Not an uploaded file.
  await assert.rejects(client.invoke({ _: 'messages.uploadMedia', peer: { _: 'inputPeerSelf' }, media: { _: 'inputMediaGeoPoint', geoPoint: { _: 'inputGeoPointEmpty' } } }), rpc('MEDIA_INVALID'));
});

test('upload.getFile: offset and limit rules, 1 MiB boundaries, precise mode, the end of the file', T, async () => {
  const data = bytes(3 * 1048576 + 5000, 9);
  const doc = await uploadDoc(data, 524288);
  const read = async (offset: number, limit: number, precise = false) => Buffer.from(((await getFile(doc, offset, limit, precise)) as { bytes: Uint8Array }).bytes);
  assert.deepEqual(await read(0, 1048576), Buffer.from(data.subarray(0, 1048576)));
  assert.deepEqual(await read(1048576 + 4096, 4096), Buffer.from(data.subarray(1048576 + 4096, 1048576 + 8192)));
  assert.deepEqual(await read(3 * 1048576, 1048576), Buffer.from(data.subarray(3 * 1048576))); // the short end
  assert.equal((await read(4 * 1048576, 4096)).length, 0); // past the end
  await assert.rejects(getFile(doc, 1024, 4096), rpc('OFFSET_INVALID'));
  await assert.rejects(getFile(doc, -4096, 4096), rpc('OFFSET_INVALID'));
  await assert.rejects(getFile(doc, 0, 0), rpc('LIMIT_INVALID'));
  await assert.rejects(getFile(doc, 0, 1000), rpc('LIMIT_INVALID'));
  await assert.rejects(getFile(doc, 0, 3 * 4096), rpc('LIMIT_INVALID')); // does not divide 1 MiB
  await assert.rejects(getFile(doc, 0, 2 * 1048576), rpc('LIMIT_INVALID'));
  await assert.rejects(getFile(doc, 1048576 - 4096, 8192), rpc('LIMIT_INVALID')); // crosses 1 MiB
  await assert.rejects(getFile(doc, 4096, 1048576), rpc('LIMIT_INVALID'));
  // precise: multiples of 1024, any such limit up to 1 MiB, still no crossing.
  assert.deepEqual(await read(1024, 3072, true), Buffer.from(data.subarray(1024, 4096)));
  await assert.rejects(getFile(doc, 512, 1024, true), rpc('OFFSET_INVALID'));
  await assert.rejects(getFile(doc, 0, 1536, true), rpc('LIMIT_INVALID'));
  await assert.rejects(getFile(doc, 1048576 - 1024, 2048, true), rpc('LIMIT_INVALID'));
});

test('upload.getFile: location checks (id, access_hash, file_reference, thumb, kind)', T, async () => {
  const doc = await uploadDoc(bytes(5000, 4), 4096);
  const loc = { _: 'inputDocumentFileLocation' as const, id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' };
  const get = (location: object) => client.invoke({ _: 'upload.getFile', location: location as never, offset: 0n, limit: 4096 });
  await assert.rejects(get({ ...loc, id: doc.id ^ 1n }), rpc('FILE_ID_INVALID'));
  await assert.rejects(get({ ...loc, accessHash: doc.accessHash ^ 1n }), rpc('LOCATION_INVALID'));
  await assert.rejects(get({ ...loc, thumbSize: 'm' }), rpc('LOCATION_INVALID'));
  await assert.rejects(get({ ...loc, fileReference: new Uint8Array(0) }), rpc('FILE_REFERENCE_EMPTY'));
  await assert.rejects(get({ ...loc, fileReference: new Uint8Array(16) }), rpc('FILE_REFERENCE_EXPIRED'));
  await assert.rejects(get({ _: 'inputPhotoFileLocation', id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: 'x' }), rpc('LOCATION_INVALID'));
  // Small parts: reads map through the part slots.
  const r = await get(loc);
  assert.deepEqual(Buffer.from((r as { bytes: Uint8Array }).bytes), Buffer.from(bytes(5000, 4).subarray(0, 4096)));
  const tail = await getFile(doc, 4096, 4096);
  assert.deepEqual(Buffer.from((tail as { bytes: Uint8Array }).bytes), Buffer.from(bytes(5000, 4).subarray(4096)));
});

test('messages.sendMedia: the uploaded document goes to cloud.postMessage as messageMediaDocument', T, async () => {
  const id = nextId++;
  await save(id, 0, bytes(2000, 5));
  await client.invoke({
    _: 'messages.sendMedia', peer: { _: 'inputPeerUser', userId: 42n, accessHash: 0n }, message: 'a file', randomId: 77n,
    media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id, parts: 1, name: 'n.txt', md5Checksum: '' }, mimeType: 'text/plain', attributes: [] },
  });
  const last = posted.at(-1)!;
  assert.deepEqual([last.from, last.peer, last.message.message], [7, 42, 'a file']);
  const media = last.message.media as { _: string; document: RawDocument };
  assert.equal(media._, 'messageMediaDocument');
  assert.equal(media.document.size, 2000n);
  assert.equal(media.document.mimeType, 'text/plain');
});

test('messages.sendMedia: the peer goes through poster.peerOf before the upload is consumed', T, async () => {
  const id = nextId++;
  await save(id, 0, bytes(1500, 8));
  const send = (userId: bigint) => client.invoke({
    _: 'messages.sendMedia', peer: { _: 'inputPeerUser', userId, accessHash: 0n }, message: '', randomId: 78n,
    media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id, parts: 1, name: '', md5Checksum: '' }, mimeType: 'x/y', attributes: [] },
  });
  const before = posted.length;
  await assert.rejects(send(13n), rpc('PEER_ID_INVALID'));
  assert.equal(posted.length, before);
  await send(42n); // the upload is still there
  assert.equal(posted.at(-1)!.peer, 42);
});

test('disk store: parts written to files, documents and unfinished uploads survive a restart', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'files-disk-'));
  try {
    const start = async () => {
      const service = new FileService({ store: await DiskFileStore.open(dir) });
      const s = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), methods: service.methodRecord() });
      return { service, s };
    };
    let { service, s } = await start();
    const c = connect(s);
    await c.connect();
    const data = bytes(3 * 4096 + 100, 6);
    const id = nextId++;
    for (let p = 0; p < 4; p++) assert.equal(await save(id, p, data.subarray(p * 4096, (p + 1) * 4096), c), true);
    const doc = await toDocument({ _: 'inputFile', id, parts: 4, name: 'disk.bin', md5Checksum: createHash('md5').update(data).digest('hex') }, c);
    const big = nextId++;
    assert.equal(await saveBig(big, 0, 2, bytes(8192, 7), c), true);
    await c.close();
    await s.close();
    await service.store.close();
    ({ service, s } = await start());
    const c2 = connect(s);
    await c2.connect();
    const back = await getFile(doc, 0, 16384, false, c2);
    assert.deepEqual(Buffer.from((back as { bytes: Uint8Array }).bytes), Buffer.from(data));
    // The unfinished upload is back under its owner (the old auth key).
    const record = service.store.upload(service.store.document(doc.id)!.owner, big);
    assert.ok(record, 'the unfinished upload is back');
    assert.deepEqual([...record.sizes], [[0, 8192]]);
    await s.close();
    await service.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
