// The server's side of secret chats (core.telegram.org/api/end-to-end): it hands out DH parameters, relays
// g_a and g_b, and stores and relays ciphertext. It never holds a chat key and never sees plaintext.
//
//   messages.getDhConfig       the standard 2048-bit prime with g = 3, `random_length` random bytes;
//                              dhConfigNotModified when the client already has our version
//   messages.requestEncryption → the peer gets updateEncryption(encryptedChatRequested), the caller encryptedChatWaiting
//   messages.acceptEncryption  → the creator gets updateEncryption(encryptedChat with g_b), the caller encryptedChat with g_a
//   messages.discardEncryption → both get updateEncryption(encryptedChatDiscarded) (every session of both,
//                              the caller's too: its seq moves)
//   updateEncryption is seq-ordered and logged (cloud.postSeqUpdate): a user offline at that moment gets it
//   from updates.getDifference's other_updates, as on Telegram.
//   messages.sendEncrypted / sendEncryptedService / sendEncryptedFile
//                              → updateNewEncryptedMessage with the peer's next qts (logged for getDifference)
//   messages.receivedQueue, readEncryptedHistory, setEncryptedTyping
//   upload.getFile on inputEncryptedFileLocation (when a file backend is given), delegating the bytes;
//   sendEncryptedFile with inputEncryptedFile names a file relayed before (a resend)
//
// Checks the server can make: g_a/g_b in range (the same bounds the clients check), the chat, its
// access_hash and membership, ciphertext framing (24-byte header + a positive multiple of 16, at most
// MAX_DATA), random_id reuse (the same send is answered once), at most maxWaitingRequests requests of one
// user not yet accepted or declined (ours: each one is logged for the peer and kept by their client).
// Chats, encrypted files and answered sends live in the cloud's store (with a data directory they survive
// a restart).
import { randomBytes } from 'node:crypto';
import { bigintFromBytes, bigintToBytes } from '../../crypto/bytes.ts';
import { checkDhPublicValue, TELEGRAM_DH_PRIME } from '../../crypto/dh.ts';
import type { TlObject, TypeInputFile } from '../../tl/generated/types.ts';
import type { MethodContext, MethodHandler } from '../methods.ts';
import { fail, type Req } from './rpc.ts';
import type { Cloud } from './cloud.ts';
import type { StoredEncryptedChat } from './store.ts';

/** Largest ciphertext accepted by sendEncrypted* (Telegram's messages are far smaller). */
export const MAX_DATA = 256 * 1024;
const DH_VERSION = 1;
const DH_G = 3;

/** A chat as the relay keeps it (public values only). */
export type EncryptedChatRecord = StoredEncryptedChat;

/** What encrypted files need from the file service (helper "files": FileService). */
export interface EncryptedFileBackend {
  documentFrom(owner: string, file: TypeInputFile, meta: { mimeType: string; attributes: []; date: number }): Promise<{ id: bigint; accessHash: bigint; size: bigint | number; fileReference: Uint8Array }>;
  getFile(r: Req<'upload.getFile'>, ctx: MethodContext): Promise<TlObject>;
}

export interface SecretRelayOptions {
  /** Encrypted files: upload through the file service, stored as its documents. */
  files?: EncryptedFileBackend;
  /** Who owns an upload for the file service (default: the auth key id, as FileService does). */
  fileOwner?: (ctx: MethodContext) => string;
  /** Requests a user may have waiting for their peers (default 50; beyond: 400 ENCRYPTION_REQUESTS_TOO_MUCH). */
  maxWaitingRequests?: number;
}

export const DEFAULT_MAX_WAITING_REQUESTS = 50;

export class SecretRelay {
  private readonly cloudOf: () => Cloud;

  /** `cloud` may be a getter (MtprotoServer creates its Cloud inside listen()). */
  constructor(cloud: Cloud | (() => Cloud), private readonly options: SecretRelayOptions = {}) {
    this.cloudOf = typeof cloud === 'function' ? cloud : () => cloud;
  }

  /** The chats the relay knows (a snapshot from the cloud's store). */
  get chats(): ReadonlyMap<number, EncryptedChatRecord> {
    return new Map(this.cloudOf().store.encryptedChats().map((c) => [c.id, c]));
  }

  methods(): Record<string, MethodHandler> {
    const m: Record<string, MethodHandler> = {
      'messages.getDhConfig': (r) => this.getDhConfig(r as Req<'messages.getDhConfig'>),
      'messages.requestEncryption': (r, ctx) => this.request(r as Req<'messages.requestEncryption'>, ctx),
      'messages.acceptEncryption': (r, ctx) => this.accept(r as Req<'messages.acceptEncryption'>, ctx),
      'messages.discardEncryption': (r, ctx) => this.discard(r as Req<'messages.discardEncryption'>, ctx),
      'messages.sendEncrypted': (r, ctx) => this.send(r as Req<'messages.sendEncrypted'>, ctx, 'message'),
      'messages.sendEncryptedService': (r, ctx) => this.send(r as Req<'messages.sendEncryptedService'>, ctx, 'service'),
      'messages.sendEncryptedFile': (r, ctx) => this.send(r as Req<'messages.sendEncryptedFile'>, ctx, 'file'),
      'messages.receivedQueue': (_r, ctx) => (this.cloudOf().userOf(ctx), [] as unknown as TlObject),
      'messages.readEncryptedHistory': (r, ctx) => (this.member((r as Req<'messages.readEncryptedHistory'>).peer, ctx), true),
      'messages.setEncryptedTyping': (r, ctx) => (this.member((r as Req<'messages.setEncryptedTyping'>).peer, ctx), true),
    };
    const files = this.options.files;
    if (files) {
      m['upload.getFile'] = (r, ctx) => {
        const q = r as Req<'upload.getFile'>;
        if (q.location._ !== 'inputEncryptedFileLocation') return files.getFile(q, ctx);
        const ref = this.cloudOf().store.encryptedFile(q.location.id);
        if (!ref) return fail('FILE_ID_INVALID');
        if (ref.accessHash !== q.location.accessHash) return fail('LOCATION_INVALID');
        return files.getFile({ ...q, location: { _: 'inputDocumentFileLocation', id: q.location.id, accessHash: ref.accessHash, fileReference: ref.fileReference, thumbSize: '' } }, ctx);
      };
    }
    return m;
  }

  private getDhConfig(r: Req<'messages.getDhConfig'>): TlObject {
    if (!Number.isInteger(r.randomLength) || r.randomLength < 0 || r.randomLength > 256) fail('RANDOM_LENGTH_INVALID');
    const random = new Uint8Array(randomBytes(r.randomLength));
    if (r.version === DH_VERSION) return { _: 'messages.dhConfigNotModified', random } as TlObject;
    return { _: 'messages.dhConfig', g: DH_G, p: bigintToBytes(TELEGRAM_DH_PRIME, 256), version: DH_VERSION, random } as TlObject;
  }

  private checkPublic(name: 'g_a' | 'g_b', value: Uint8Array): void {
    if (value.length !== 256) fail(name === 'g_a' ? 'DH_G_A_INVALID' : 'DH_G_B_INVALID');
    try {
      checkDhPublicValue(name, bigintFromBytes(value), TELEGRAM_DH_PRIME);
    } catch {
      fail(name === 'g_a' ? 'DH_G_A_INVALID' : 'DH_G_B_INVALID');
    }
  }

  private view(c: EncryptedChatRecord, viewer: number): TlObject {
    const base = { id: c.id, accessHash: c.accessHash, date: c.date, adminId: BigInt(c.adminId), participantId: BigInt(c.participantId) };
    if (c.state === 'discarded') return { _: 'encryptedChatDiscarded', historyDeleted: false, id: c.id } as TlObject;
    if (c.state === 'requested') {
      return (viewer === c.adminId ? { _: 'encryptedChatWaiting', ...base } : { _: 'encryptedChatRequested', ...base, gA: c.gA }) as TlObject;
    }
    return { _: 'encryptedChat', ...base, gAOrB: viewer === c.adminId ? c.gB! : c.gA, keyFingerprint: c.keyFingerprint! } as TlObject;
  }

  /** updateEncryption for the user: logged (seq) and pushed to all their sessions. */
  private push(userId: number, c: EncryptedChatRecord, view?: object): void {
    const chat: object = view === undefined ? (this.view(c, userId) as object) : view;
    const build = (date: number): TlObject => ({ _: 'updateEncryption', chat, date }) as unknown as TlObject;
    this.cloudOf().postSeqUpdate(userId, build, [c.adminId, c.participantId]);
  }

  private request(r: Req<'messages.requestEncryption'>, ctx: MethodContext): TlObject {
    const cloud = this.cloudOf();
    const me = cloud.userOf(ctx);
    if (r.userId._ !== 'inputUser') return fail('USER_ID_INVALID');
    const peerId = Number(r.userId.userId);
    const peer = cloud.store.user(peerId);
    if (!peer || peer.accessHash !== r.userId.accessHash) return fail('USER_ID_INVALID');
    if (peerId === me) return fail('USER_ID_INVALID');
    this.checkPublic('g_a', r.gA);
    // Each request lands in the peer's update log and client state: a user cannot pile them up (the peer
    // accepting or declining, or the creator discarding, frees a place).
    const waiting = cloud.store.encryptedChatsOf(me).filter((c) => c.adminId === me && c.state === 'requested').length;
    if (waiting >= (this.options.maxWaitingRequests ?? DEFAULT_MAX_WAITING_REQUESTS)) return fail('ENCRYPTION_REQUESTS_TOO_MUCH');
    let id: number;
    do id = (randomBytes(4).readUInt32LE() >>> 1) || 1;
    while (cloud.store.encryptedChat(id));
    const chat: EncryptedChatRecord = { id, accessHash: randomBytes(8).readBigInt64LE(), date: ctx.now, adminId: me, participantId: peerId, gA: r.gA, state: 'requested' };
    cloud.store.transaction(() => {
      cloud.store.putEncryptedChat(chat);
      this.push(peerId, chat);
    });
    return this.view(chat, me);
  }

  /** The chat named by an InputEncryptedChat, checked: it exists, access_hash matches, the caller is in it. */
  private member(peer: { _: string; chatId?: number; accessHash?: bigint }, ctx: MethodContext): { chat: EncryptedChatRecord; me: number } {
    const me = this.cloudOf().userOf(ctx);
    const chat = peer._ === 'inputEncryptedChat' ? this.cloudOf().store.encryptedChat(peer.chatId!) : undefined;
    if (!chat || chat.accessHash !== peer.accessHash || (chat.adminId !== me && chat.participantId !== me)) return fail('CHAT_ID_INVALID');
    return { chat, me };
  }

  private accept(r: Req<'messages.acceptEncryption'>, ctx: MethodContext): TlObject {
    const { chat, me } = this.member(r.peer, ctx);
    if (me !== chat.participantId) return fail('CHAT_ID_INVALID');
    if (chat.state === 'ready') return fail('ENCRYPTION_ALREADY_ACCEPTED');
    if (chat.state === 'discarded') return fail('ENCRYPTION_ALREADY_DECLINED');
    this.checkPublic('g_b', r.gB);
    chat.gB = r.gB;
    chat.keyFingerprint = r.keyFingerprint;
    chat.state = 'ready';
    const { store } = this.cloudOf();
    store.transaction(() => {
      store.putEncryptedChat(chat);
      this.push(chat.adminId, chat);
    });
    return this.view(chat, me);
  }

  private discard(r: Req<'messages.discardEncryption'>, ctx: MethodContext): boolean {
    const { store } = this.cloudOf();
    const me = this.cloudOf().userOf(ctx);
    const chat = store.encryptedChat(r.chatId);
    if (!chat || (chat.adminId !== me && chat.participantId !== me)) return fail('CHAT_ID_INVALID');
    if (chat.state === 'discarded') return fail('ENCRYPTION_ALREADY_DECLINED');
    chat.state = 'discarded';
    const view = { _: 'encryptedChatDiscarded', historyDeleted: r.deleteHistory ?? false, id: chat.id } as TlObject;
    store.transaction(() => {
      store.putEncryptedChat(chat);
      this.push(chat.adminId === me ? chat.participantId : chat.adminId, chat, view);
      // The caller's sessions too (its other devices, and its own seq).
      this.push(me, chat, view);
    });
    return true;
  }

  private async send(r: Req<'messages.sendEncrypted'> | Req<'messages.sendEncryptedService'> | Req<'messages.sendEncryptedFile'>, ctx: MethodContext, kind: 'message' | 'service' | 'file'): Promise<TlObject> {
    const cloud0 = this.cloudOf;
    const { chat, me } = this.member(r.peer, ctx);
    if (chat.state === 'discarded') return fail('ENCRYPTION_DECLINED');
    if (chat.state !== 'ready') return fail('CHAT_ID_INVALID');
    if (r.data.length > MAX_DATA) return fail('DATA_TOO_LONG');
    if (r.data.length < 24 + 16 || (r.data.length - 24) % 16 !== 0) return fail('DATA_INVALID');
    const key = `${chat.id}:${me}:${r.randomId}`;
    const done = cloud0().store.encryptedSend(key);
    if (done) return done; // a repeated send (lost answer): delivered once
    const cloud = this.cloudOf();
    const peer = chat.adminId === me ? chat.participantId : chat.adminId;
    const date = ctx.now;
    let file: TlObject = { _: 'encryptedFileEmpty' } as TlObject;
    if (kind === 'file') file = await this.fileOf((r as Req<'messages.sendEncryptedFile'>).file, ctx);
    const message =
      kind === 'service'
        ? { _: 'encryptedMessageService', randomId: r.randomId, chatId: chat.id, date, bytes: r.data }
        : { _: 'encryptedMessage', randomId: r.randomId, chatId: chat.id, date, bytes: r.data, file };
    const answer = (kind === 'file' ? { _: 'messages.sentEncryptedFile', date, file } : { _: 'messages.sentEncryptedMessage', date }) as TlObject;
    // A send that raced its own repeat through the file upload: the first one wins.
    const raced = cloud.store.encryptedSend(key);
    if (raced) return raced;
    cloud.store.transaction(() => {
      cloud.store.putEncryptedSend(key, answer);
      cloud.postQtsUpdate(peer, (qts) => ({ _: 'updateNewEncryptedMessage', message, qts }) as TlObject);
    });
    return answer;
  }

  private async fileOf(file: Req<'messages.sendEncryptedFile'>['file'], ctx: MethodContext): Promise<TlObject> {
    const files = this.options.files;
    if (!files) return fail('FILE_EMTPY');
    const { store, dcId } = this.cloudOf();
    if (file._ === 'inputEncryptedFile') {
      // A file relayed before, sent again (a client serving decryptedMessageActionResend).
      const known = store.encryptedFile(file.id);
      if (!known || known.accessHash !== file.accessHash || known.size === undefined || known.keyFingerprint === undefined) return fail('FILE_EMTPY');
      return { _: 'encryptedFile', id: known.id, accessHash: known.accessHash, size: known.size, dcId, keyFingerprint: known.keyFingerprint } as TlObject;
    }
    let input: TypeInputFile;
    if (file._ === 'inputEncryptedFileUploaded') input = { _: 'inputFile', id: file.id, parts: file.parts, name: '', md5Checksum: file.md5Checksum };
    else if (file._ === 'inputEncryptedFileBigUploaded') input = { _: 'inputFileBig', id: file.id, parts: file.parts, name: '' };
    else return fail('FILE_EMTPY');
    const owner = (this.options.fileOwner ?? ((c: MethodContext) => c.authKeyId))(ctx);
    const doc = await files.documentFrom(owner, input, { mimeType: 'application/octet-stream', attributes: [], date: ctx.now });
    store.putEncryptedFile({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, size: BigInt(doc.size), keyFingerprint: file.keyFingerprint });
    return { _: 'encryptedFile', id: doc.id, accessHash: doc.accessHash, size: BigInt(doc.size), dcId, keyFingerprint: file.keyFingerprint } as TlObject;
  }
}
