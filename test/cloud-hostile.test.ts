// Hostile requests against the default MtprotoServer (cloud, files, secret relay, layers): absurd limits,
// offsets and ids, wrong access hashes, other users' files and messages, oversize or malformed parts,
// bad layer wrappers. Each gets its documented rpc_error (or a bounded answer), and the server keeps
// serving everyone else afterwards.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { bigintToBytes } from '../src/crypto/bytes.ts';
import { TELEGRAM_DH_PRIME } from '../src/crypto/dh.ts';
import type { MtprotoServer } from '../src/server/mtproto-server.ts';
import { serialize } from '../src/tl/codec.ts';
import { TlReader } from '../src/tl/binary/reader.ts';
import type { RawDocument, TlObject } from '../src/tl/generated/types.ts';
import { connectClient, newUser, randomId, rpcError, startServer, type TestUser } from './helpers/cloud.ts';
import { addTestKey, testSession, withLayer } from './helpers/layer-session.ts';
import { seededBytes } from './helpers/random.ts';

const T = { timeout: 30_000 };
const KB = 1024;
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);
const LONG_MAX = 2n ** 63n - 1n;

let server: MtprotoServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let nextFileId = 9_000_000n;

before(async () => {
  server = await startServer();
  [alice, bob, carol] = await Promise.all([newUser(server, 'Alice'), newUser(server, 'Bob'), newUser(server, 'Carol')]);
  for (let i = 0; i < 5; i++) {
    await alice.client.invoke({ _: 'messages.sendMessage', peer: bob.peer, message: `hello ${i}`, randomId: randomId() });
  }
});

after(async () => {
  for (const u of [alice, bob, carol]) await u.client.close();
  await server.close();
});

/** The server still answers: a fresh connection and a message between two users. */
async function stillServing(): Promise<void> {
  const fresh = connectClient(server);
  try {
    const config = await fresh.invoke({ _: 'help.getConfig' });
    assert.equal(config._, 'config');
  } finally {
    await fresh.close();
  }
  const sent = await bob.client.invoke({ _: 'messages.sendMessage', peer: alice.peer, message: 'still here', randomId: randomId() });
  assert.equal(sent._, 'updateShortSentMessage');
}

/** Uploads `data` as `owner` (small-file mode, 512 KiB parts) and makes it a document in a message to `to`. */
async function sendDocument(owner: TestUser, to: TestUser, data: Uint8Array): Promise<RawDocument> {
  const fileId = nextFileId++;
  const parts = Math.ceil(data.length / (512 * KB));
  for (let p = 0; p < parts; p++) {
    await owner.client.invoke({ _: 'upload.saveFilePart', fileId, filePart: p, bytes: data.subarray(p * 512 * KB, (p + 1) * 512 * KB) });
  }
  const sent = await owner.client.invoke({
    _: 'messages.sendMedia', peer: to.peer, message: '', randomId: randomId(),
    media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id: fileId, parts, name: 'x.bin', md5Checksum: '' }, mimeType: 'application/octet-stream', attributes: [] },
  });
  const update = (sent as any).updates.find((u: TlObject) => u._ === 'updateNewMessage');
  return update.message.media.document as RawDocument;
}

const location = (d: RawDocument, over: Partial<{ id: bigint; accessHash: bigint; fileReference: Uint8Array; thumbSize: string }> = {}) => ({
  _: 'inputDocumentFileLocation' as const, id: d.id, accessHash: d.accessHash, fileReference: d.fileReference, thumbSize: '', ...over,
});

test('before sign-in, user methods answer 401 AUTH_KEY_UNREGISTERED', T, async () => {
  const anon = connectClient(server);
  try {
    await rpcError(anon.invoke({ _: 'messages.getHistory', peer: { _: 'inputPeerSelf' }, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(anon.invoke({ _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(anon.invoke({ _: 'updates.getDifference', pts: 1, date: 0, qts: 0 }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(anon.invoke({ _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: new Uint8Array(KB) }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(anon.invoke({ _: 'messages.requestEncryption', userId: { _: 'inputUser', userId: bob.id, accessHash: bob.accessHash }, randomId: 1, gA: new Uint8Array(256) }), 401, 'AUTH_KEY_UNREGISTERED');
    await rpcError(anon.invoke({ _: 'auth.logOut' }), 401, 'AUTH_KEY_UNREGISTERED');
  } finally {
    await anon.close();
  }
});

test('sign-in: numbers of other DCs, wrong codes, unknown hashes, absurd names', T, async () => {
  const c = connectClient(server);
  try {
    await rpcError(c.invoke({ _: 'auth.sendCode', phoneNumber: '+1 555 0100', apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } }), 400, 'PHONE_NUMBER_INVALID');
    await rpcError(c.invoke({ _: 'auth.sendCode', phoneNumber: '9996631234', apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } }), 400, 'PHONE_NUMBER_INVALID');
    await rpcError(c.invoke({ _: 'auth.signIn', phoneNumber: '9996629999', phoneCodeHash: 'nope', phoneCode: '22222' }), 400, 'PHONE_CODE_EXPIRED');
    await rpcError(c.invoke({ _: 'auth.signIn', phoneNumber: '9996629999', phoneCodeHash: '', phoneCode: '22222' }), 400, 'PHONE_CODE_HASH_EMPTY');
    const sent = await c.invoke({ _: 'auth.sendCode', phoneNumber: '9996629998', apiId: 1, apiHash: 'x', settings: { _: 'codeSettings' } });
    const hash = (sent as any).phoneCodeHash as string;
    // The hash is bound to the number it was sent to.
    await rpcError(c.invoke({ _: 'auth.signIn', phoneNumber: alice.phone, phoneCodeHash: hash, phoneCode: '22222' }), 400, 'PHONE_CODE_EXPIRED');
    await rpcError(c.invoke({ _: 'auth.signIn', phoneNumber: '9996629998', phoneCodeHash: hash, phoneCode: '11111' }), 400, 'PHONE_CODE_INVALID');
    await rpcError(c.invoke({ _: 'auth.signUp', phoneNumber: '9996629998', phoneCodeHash: hash, firstName: 'x'.repeat(10_000), lastName: '' }), 400, 'PHONE_CODE_EMPTY');
    const r = await c.invoke({ _: 'auth.signIn', phoneNumber: '9996629998', phoneCodeHash: hash, phoneCode: '22222' });
    assert.equal(r._, 'auth.authorizationSignUpRequired');
    await rpcError(c.invoke({ _: 'auth.signUp', phoneNumber: '9996629998', phoneCodeHash: hash, firstName: 'x'.repeat(10_000), lastName: '' }), 400, 'FIRSTNAME_INVALID');
    await rpcError(c.invoke({ _: 'auth.signUp', phoneNumber: '9996629998', phoneCodeHash: hash, firstName: '   ', lastName: '' }), 400, 'FIRSTNAME_INVALID');
  } finally {
    await c.close();
  }
});

test('peers: absurd ids and wrong access hashes are PEER_ID_INVALID / USER_ID_INVALID, never another user', T, async () => {
  const hist = (peer: any) => carol.client.invoke({ _: 'messages.getHistory', peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n });
  for (const userId of [0n, -1n, LONG_MAX, -LONG_MAX - 1n, 2n ** 53n + 1n, 999_999n]) {
    await rpcError(hist({ _: 'inputPeerUser', userId, accessHash: 0n }), 400, 'PEER_ID_INVALID');
  }
  await rpcError(hist({ _: 'inputPeerUser', userId: bob.id, accessHash: bob.accessHash ^ 1n }), 400, 'PEER_ID_INVALID');
  await rpcError(hist({ _: 'inputPeerChat', chatId: 1n }), 400, 'PEER_ID_INVALID');
  await rpcError(hist({ _: 'inputPeerEmpty' }), 400, 'PEER_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: bob.id, accessHash: 0n }, message: 'hi', randomId: randomId() }), 400, 'PEER_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'users.getFullUser', id: { _: 'inputUser', userId: bob.id, accessHash: 1n } }), 400, 'USER_ID_INVALID');
  const users = await carol.client.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: bob.id, accessHash: 1n }, { _: 'inputUser', userId: LONG_MAX, accessHash: 0n }] });
  assert.deepEqual(users, []);
  await rpcError(carol.client.invoke({ _: 'contacts.resolveUsername', username: '../../etc/passwd' }), 400, 'USERNAME_INVALID');
  await rpcError(carol.client.invoke({ _: 'contacts.resolveUsername', username: 'x'.repeat(100_000) }), 400, 'USERNAME_INVALID');
  await rpcError(carol.client.invoke({ _: 'account.updateUsername', username: 'a'.repeat(33) }), 400, 'USERNAME_INVALID');
});

test('getHistory / getDialogs: huge, negative and absurd limits and offsets give bounded pages', T, async () => {
  const hist = (q: Partial<Record<'offsetId' | 'offsetDate' | 'addOffset' | 'limit' | 'maxId' | 'minId', number>>) => alice.client.invoke({
    _: 'messages.getHistory', peer: bob.peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 10, maxId: 0, minId: 0, hash: 0n, ...q,
  }) as Promise<any>;
  assert.ok((await hist({ limit: INT_MAX })).messages.length <= 100);
  assert.equal((await hist({ limit: INT_MIN })).messages.length, 0);
  assert.equal((await hist({ addOffset: INT_MAX })).messages.length, 0);
  assert.ok((await hist({ addOffset: INT_MIN, limit: INT_MAX })).messages.length <= 100);
  assert.ok((await hist({ offsetId: INT_MIN, offsetDate: INT_MIN, maxId: INT_MIN, minId: INT_MAX })).messages.length <= 100);
  // add_offset −10 from above the newest: the window [−10, 2) holds the two newest messages.
  assert.equal((await hist({ offsetId: INT_MAX, addOffset: -10, limit: 12 })).messages.length, 2);
  const dialogs = (q: { limit: number; offsetId?: number; offsetDate?: number }) => alice.client.invoke({
    _: 'messages.getDialogs', offsetDate: q.offsetDate ?? 0, offsetId: q.offsetId ?? 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: q.limit, hash: 0n,
  }) as Promise<any>;
  assert.ok((await dialogs({ limit: INT_MAX })).dialogs.length <= 100);
  assert.ok((await dialogs({ limit: INT_MIN, offsetId: INT_MIN, offsetDate: INT_MIN })).dialogs.length <= 100);
});

test("messages: nobody edits, reads or deletes another user's box; bad texts are refused", T, async () => {
  const before = (await bob.client.invoke({ _: 'messages.getHistory', peer: alice.peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: 0n })) as any;
  const ids: number[] = before.messages.map((m: any) => m.id);
  // Carol names Bob's message ids in her own box: nothing there, nothing happens to Bob's.
  const deleted = await carol.client.invoke({ _: 'messages.deleteMessages', revoke: true, id: [...ids, 0, -1, INT_MAX, INT_MIN] });
  assert.equal((deleted as any).ptsCount, 0);
  for (const id of [ids[0], 0, -1, INT_MAX]) {
    await rpcError(carol.client.invoke({ _: 'messages.editMessage', peer: bob.peer, id, message: 'pwned' }), 400, 'MESSAGE_ID_INVALID');
  }
  // Bob cannot edit Alice's message that sits in his box (incoming).
  const incoming = before.messages.find((m: any) => !m.out);
  await rpcError(bob.client.invoke({ _: 'messages.editMessage', peer: alice.peer, id: incoming.id, message: 'pwned' }), 403, 'MESSAGE_AUTHOR_REQUIRED');
  const read = await carol.client.invoke({ _: 'messages.readHistory', peer: bob.peer, maxId: INT_MAX });
  assert.equal((read as any).ptsCount, 0);
  await carol.client.invoke({ _: 'messages.readHistory', peer: bob.peer, maxId: INT_MIN });
  const after = (await bob.client.invoke({ _: 'messages.getHistory', peer: alice.peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: 0n })) as any;
  assert.deepEqual(after.messages.map((m: any) => [m.id, m.message]), before.messages.map((m: any) => [m.id, m.message]));
  await rpcError(carol.client.invoke({ _: 'messages.sendMessage', peer: bob.peer, message: 'x'.repeat(4097), randomId: randomId() }), 400, 'MESSAGE_TOO_LONG');
  await rpcError(carol.client.invoke({ _: 'messages.sendMessage', peer: bob.peer, message: ' \n ', randomId: randomId() }), 400, 'MESSAGE_EMPTY');
  const rid = randomId();
  await carol.client.invoke({ _: 'messages.sendMessage', peer: bob.peer, message: 'once', randomId: rid });
  await rpcError(carol.client.invoke({ _: 'messages.sendMessage', peer: bob.peer, message: 'twice', randomId: rid }), 400, 'RANDOM_ID_DUPLICATE');
});

test('getDifference: pts and qts outside the state are PERSISTENT_TIMESTAMP_*; absurd limits are bounded', T, async () => {
  const diff = (q: Record<string, number>) => carol.client.invoke({ _: 'updates.getDifference', pts: 1, date: 0, qts: 0, ...q } as never);
  await rpcError(diff({ pts: 0 }), 400, 'PERSISTENT_TIMESTAMP_EMPTY');
  await rpcError(diff({ pts: INT_MIN }), 400, 'PERSISTENT_TIMESTAMP_EMPTY');
  await rpcError(diff({ pts: INT_MAX }), 400, 'PERSISTENT_TIMESTAMP_INVALID');
  await rpcError(diff({ qts: -1 }), 400, 'PERSISTENT_TIMESTAMP_INVALID');
  await rpcError(diff({ qts: INT_MAX }), 400, 'PERSISTENT_TIMESTAMP_INVALID');
  const d = (await diff({ ptsLimit: INT_MAX, ptsTotalLimit: INT_MAX, qtsLimit: INT_MIN })) as any;
  assert.ok(['updates.difference', 'updates.differenceSlice'].includes(d._));
  const tooLong = (await diff({ ptsTotalLimit: INT_MIN })) as any;
  assert.equal(tooLong._, 'updates.differenceTooLong');
});

test('uploads: part numbers, counts and sizes outside the spec get their rpc_errors', T, async () => {
  const c = alice.client;
  const id = nextFileId++;
  for (const filePart of [-1, INT_MIN, 4000, INT_MAX]) {
    await rpcError(c.invoke({ _: 'upload.saveFilePart', fileId: id, filePart, bytes: new Uint8Array(KB) }), 400, 'FILE_PART_INVALID');
  }
  for (const fileTotalParts of [0, -1, 4001, INT_MAX]) {
    await rpcError(c.invoke({ _: 'upload.saveBigFilePart', fileId: id, filePart: 0, fileTotalParts, bytes: new Uint8Array(KB) }), 400, 'FILE_PARTS_INVALID');
  }
  await rpcError(c.invoke({ _: 'upload.saveBigFilePart', fileId: id, filePart: 5, fileTotalParts: 5, bytes: new Uint8Array(KB) }), 400, 'FILE_PART_INVALID');
  await rpcError(c.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 0, bytes: new Uint8Array(0) }), 400, 'FILE_PART_EMPTY');
  await rpcError(c.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 0, bytes: new Uint8Array(512 * KB + 1) }), 400, 'FILE_PART_TOO_BIG');
  // Part 0 of 1000 bytes, then a part 1: part 0 is no longer the last, and 1000 is no part size.
  await c.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 0, bytes: new Uint8Array(1000) });
  await rpcError(c.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 1, bytes: new Uint8Array(KB) }), 400, 'FILE_PART_SIZE_CHANGED');
  const media = (file: any) => ({ _: 'inputMediaUploadedDocument' as const, file, mimeType: 'x/y', attributes: [] });
  const send = (file: any) => c.invoke({ _: 'messages.sendMedia', peer: bob.peer, message: '', randomId: randomId(), media: media(file) });
  await rpcError(send({ _: 'inputFile', id, parts: 2, name: '', md5Checksum: '' }), 400, 'FILE_PART_1_MISSING');
  await rpcError(send({ _: 'inputFile', id, parts: 0, name: '', md5Checksum: '' }), 400, 'FILE_PARTS_INVALID');
  await rpcError(send({ _: 'inputFile', id, parts: INT_MAX, name: '', md5Checksum: '' }), 400, 'FILE_PARTS_INVALID');
  await rpcError(send({ _: 'inputFileBig', id, parts: 1, name: '' }), 400, 'FILE_PARTS_INVALID');
  await rpcError(send({ _: 'inputFile', id, parts: 1, name: '', md5Checksum: 'f'.repeat(32) }), 400, 'MD5_CHECKSUM_INVALID');
  await rpcError(send({ _: 'inputFile', id: nextFileId++, parts: 1, name: '', md5Checksum: '' }), 400, 'FILE_PART_0_MISSING');
  // A right md5 still works after the wrong one.
  const md5 = createHash('md5').update(new Uint8Array(1000)).digest('hex');
  assert.equal((await send({ _: 'inputFile', id, parts: 1, name: '', md5Checksum: md5 }))._, 'updates');
});

test("files: another user's upload id, or a document with a wrong access hash or file reference, yields nothing", T, async () => {
  // Bob's upload in progress cannot be completed by Carol naming its file id.
  const id = nextFileId++;
  await bob.client.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 0, bytes: seededBytes(1, 2 * KB) });
  await rpcError(carol.client.invoke({
    _: 'messages.sendMedia', peer: { _: 'inputPeerSelf' }, message: '', randomId: randomId(),
    media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id, parts: 1, name: '', md5Checksum: '' }, mimeType: 'x/y', attributes: [] },
  }), 400, 'FILE_PART_0_MISSING');
  const doc = await sendDocument(alice, bob, seededBytes(2, 600 * KB));
  const get = (loc: any, offset = 0n, limit = 4096, c = carol.client) => c.invoke({ _: 'upload.getFile', location: loc, offset, limit });
  await rpcError(get(location(doc, { accessHash: doc.accessHash ^ 1n })), 400, 'LOCATION_INVALID');
  await rpcError(get(location(doc, { id: doc.id ^ 1n })), 400, 'FILE_ID_INVALID');
  await rpcError(get(location(doc, { id: LONG_MAX })), 400, 'FILE_ID_INVALID');
  await rpcError(get(location(doc, { fileReference: new Uint8Array(0) })), 400, 'FILE_REFERENCE_EMPTY');
  await rpcError(get(location(doc, { fileReference: new Uint8Array(doc.fileReference.length) })), 400, 'FILE_REFERENCE_EXPIRED');
  await rpcError(get(location(doc, { thumbSize: 'm' })), 400, 'LOCATION_INVALID');
  await rpcError(get({ _: 'inputPhotoFileLocation', id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: 'm' }), 400, 'LOCATION_INVALID');
  // A document can be re-sent only with its access hash.
  await rpcError(carol.client.invoke({
    _: 'messages.sendMedia', peer: { _: 'inputPeerSelf' }, message: '', randomId: randomId(),
    media: { _: 'inputMediaDocument', id: { _: 'inputDocument', id: doc.id, accessHash: 0n, fileReference: doc.fileReference } },
  }), 400, 'MEDIA_INVALID');
  // Offsets and limits outside the rules.
  for (const offset of [-4096n, 1n, -(2n ** 63n)]) await rpcError(get(location(doc), offset), 400, 'OFFSET_INVALID');
  for (const limit of [0, -4096, 1000, 3 * 4096, 2 * 1024 * KB, INT_MAX, INT_MIN]) await rpcError(get(location(doc), 0n, limit), 400, 'LIMIT_INVALID');
  await rpcError(get(location(doc), BigInt(1024 * KB - 4096), 8192), 400, 'LIMIT_INVALID');
  // Far past the end: empty bytes (how a client learns the end), not an error or a huge allocation.
  for (const offset of [1024n * 1024n * 1024n * 1024n, LONG_MAX - (LONG_MAX % (1024n * 1024n))]) {
    const far = (await get(location(doc), offset, 1024 * KB)) as any;
    assert.equal(far.bytes.length, 0);
  }
  // The right location works for anyone it was shared with.
  const ok = (await get(location(doc), 0n, 4096, bob.client)) as any;
  assert.deepEqual(ok.bytes, seededBytes(2, 600 * KB).subarray(0, 4096));
});

test('sendMedia checks the peer access hash like sendMessage', T, async () => {
  const id = nextFileId++;
  await carol.client.invoke({ _: 'upload.saveFilePart', fileId: id, filePart: 0, bytes: seededBytes(3, KB) });
  const media = { _: 'inputMediaUploadedDocument' as const, file: { _: 'inputFile' as const, id, parts: 1, name: '', md5Checksum: '' }, mimeType: 'x/y', attributes: [] };
  for (const peer of [
    { _: 'inputPeerUser' as const, userId: bob.id, accessHash: 0n },
    { _: 'inputPeerUser' as const, userId: LONG_MAX, accessHash: 0n },
    { _: 'inputPeerUser' as const, userId: -1n, accessHash: 0n },
    { _: 'inputPeerChat' as const, chatId: 1n },
  ]) {
    await rpcError(carol.client.invoke({ _: 'messages.sendMedia', peer, message: '', randomId: randomId(), media }), 400, 'PEER_ID_INVALID');
  }
  // The upload was not consumed by the refused sends.
  assert.equal((await carol.client.invoke({ _: 'messages.sendMedia', peer: bob.peer, message: 'ok', randomId: randomId(), media }))._, 'updates');
});

/** A valid g_a: 3^2000 mod p (between 2^1984 and p − 2^1984, as the spec asks). */
const G_A = bigintToBytes(3n ** 2000n % TELEGRAM_DH_PRIME, 256);

test('secret chats: bad g_a/g_b, outsiders and malformed ciphertext get their rpc_errors', T, async () => {
  const dh = (randomLength: number) => alice.client.invoke({ _: 'messages.getDhConfig', version: 0, randomLength });
  for (const n of [-1, 257, INT_MAX, INT_MIN]) await rpcError(dh(n), 400, 'RANDOM_LENGTH_INVALID');
  const request = (gA: Uint8Array, userId = bob.id, accessHash = bob.accessHash) =>
    alice.client.invoke({ _: 'messages.requestEncryption', userId: { _: 'inputUser', userId, accessHash }, randomId: 1, gA });
  for (const gA of [new Uint8Array(256), bigintToBytes(1n, 256), bigintToBytes(TELEGRAM_DH_PRIME - 1n, 256), new Uint8Array(255).fill(7), new Uint8Array(257).fill(7), new Uint8Array(256).fill(0xff)]) {
    await rpcError(request(gA), 400, 'DH_G_A_INVALID');
  }
  await rpcError(request(G_A, bob.id, 0n), 400, 'USER_ID_INVALID');
  await rpcError(request(G_A, alice.id, alice.accessHash), 400, 'USER_ID_INVALID');
  await rpcError(request(G_A, LONG_MAX, 0n), 400, 'USER_ID_INVALID');
  const chat = (await request(G_A)) as any;
  assert.equal(chat._, 'encryptedChatWaiting');
  const peer = { _: 'inputEncryptedChat' as const, chatId: chat.id, accessHash: chat.accessHash };
  const data = new Uint8Array(24 + 32);
  // Nobody sends before the chat is accepted; only the participant accepts, with a valid g_b.
  await rpcError(alice.client.invoke({ _: 'messages.sendEncrypted', peer, randomId: 1n, data }), 400, 'CHAT_ID_INVALID');
  await rpcError(alice.client.invoke({ _: 'messages.acceptEncryption', peer, gB: G_A, keyFingerprint: 1n }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.acceptEncryption', peer, gB: G_A, keyFingerprint: 1n }), 400, 'CHAT_ID_INVALID');
  await rpcError(bob.client.invoke({ _: 'messages.acceptEncryption', peer, gB: bigintToBytes(1n, 256), keyFingerprint: 1n }), 400, 'DH_G_B_INVALID');
  await rpcError(bob.client.invoke({ _: 'messages.acceptEncryption', peer: { ...peer, accessHash: peer.accessHash ^ 1n }, gB: G_A, keyFingerprint: 1n }), 400, 'CHAT_ID_INVALID');
  assert.equal(((await bob.client.invoke({ _: 'messages.acceptEncryption', peer, gB: G_A, keyFingerprint: 1n })) as any)._, 'encryptedChat');
  await rpcError(bob.client.invoke({ _: 'messages.acceptEncryption', peer, gB: G_A, keyFingerprint: 1n }), 400, 'ENCRYPTION_ALREADY_ACCEPTED');
  // Carol is not in the chat: she can neither send into it, nor type, read or discard it.
  await rpcError(carol.client.invoke({ _: 'messages.sendEncrypted', peer, randomId: 2n, data }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.sendEncryptedService', peer, randomId: 2n, data }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.setEncryptedTyping', peer, typing: true }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.readEncryptedHistory', peer, maxDate: 0 }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.discardEncryption', chatId: chat.id }), 400, 'CHAT_ID_INVALID');
  await rpcError(carol.client.invoke({ _: 'messages.sendEncrypted', peer: { _: 'inputEncryptedChat', chatId: INT_MAX, accessHash: 0n }, randomId: 2n, data }), 400, 'CHAT_ID_INVALID');
  await rpcError(alice.client.invoke({ _: 'messages.sendEncrypted', peer: { ...peer, accessHash: 0n }, randomId: 2n, data }), 400, 'CHAT_ID_INVALID');
  // Framing: 24 bytes of header and a positive multiple of 16; at most 256 KiB.
  for (const n of [0, 24, 24 + 15, 24 + 17]) await rpcError(alice.client.invoke({ _: 'messages.sendEncrypted', peer, randomId: 3n, data: new Uint8Array(n) }), 400, 'DATA_INVALID');
  await rpcError(alice.client.invoke({ _: 'messages.sendEncrypted', peer, randomId: 3n, data: new Uint8Array(24 + 256 * KB) }), 400, 'DATA_TOO_LONG');
  // Encrypted files: an upload that is not there, a file location that is not ours.
  await rpcError(alice.client.invoke({
    _: 'messages.sendEncryptedFile', peer, randomId: 4n, data,
    file: { _: 'inputEncryptedFileUploaded', id: nextFileId++, parts: 1, md5Checksum: '', keyFingerprint: 0 },
  }), 400, 'FILE_PART_0_MISSING');
  await rpcError(carol.client.invoke({ _: 'upload.getFile', location: { _: 'inputEncryptedFileLocation', id: 1n, accessHash: 0n }, offset: 0n, limit: 4096 }), 400, 'FILE_ID_INVALID');
  assert.equal(await alice.client.invoke({ _: 'messages.discardEncryption', chatId: chat.id }), true);
  await rpcError(bob.client.invoke({ _: 'messages.sendEncrypted', peer, randomId: 5n, data }), 400, 'ENCRYPTION_DECLINED');
});

test('layer wrappers: absurd, truncated, nested and foreign ones get an rpc_error; the session carries on', T, async () => {
  const { key } = addTestKey(server.sessions);
  const s = testSession(server.sessions, key, 0x5151n, Date.now);
  const getConfig = serialize({ _: 'help.getConfig' } as never);
  const errorText = (bytes: Uint8Array): string => {
    const r = new TlReader(bytes, 0);
    assert.equal(r.int() >>> 0, 0x2144ca19, 'an rpc_error');
    r.int();
    return r.string();
  };
  const isConfig = (bytes: Uint8Array) => assert.equal(new TlReader(bytes, 0).int() >>> 0 !== 0x2144ca19, true, 'a config');
  for (const layer of [INT_MIN, -1, 0, 1, 143, INT_MAX]) isConfig(s.call(withLayer(layer, getConfig)));
  // Only the wrapper's head, or its head and layer with no query.
  for (const body of [withLayer(200, new Uint8Array(0)).subarray(0, 4), withLayer(200, new Uint8Array(0)), withLayer(200, new Uint8Array([1, 2, 3, 4]))]) {
    assert.match(errorText(s.call(body)), /^INPUT_(REQUEST|METHOD)_INVALID$/);
  }
  // A wrapper around a wrapper, many times over (the query at the bottom, or nothing).
  for (const depth of [100, 20_000]) {
    let body: Uint8Array = getConfig;
    for (let i = 0; i < depth; i++) body = withLayer(198, body);
    const { msgId, out } = s.send(body);
    const r = out.results.get(msgId);
    if (r) assert.ok(r.length > 0);
  }
  // A constructor no layer has.
  assert.match(errorText(s.call(withLayer(198, new Uint8Array([0xef, 0xbe, 0xad, 0xde])))), /^INPUT_(REQUEST|METHOD)_INVALID$/);
  isConfig(s.call(withLayer(228, getConfig)));
  await stillServing();
});

test('after all of the above, the server still serves everyone', T, async () => {
  await stillServing();
  const dialogs = (await alice.client.invoke({ _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n })) as any;
  assert.ok(dialogs.dialogs.length >= 1);
});
