// TelegramClient: the high-level API over MtprotoClient — sign-in, messages, dialogs, files, and a
// gap-free stream of updates.
//
//   const tg = new TelegramClient({ host, port, publicKeys: [key], storage: new FileStorage('session.json') });
//   await tg.connect();
//   if (!tg.signedIn) await tg.signIn('9996621234');          // test numbers: the code is derived
//   tg.updates.on((u) => { if (u._ === 'updateNewMessage') console.log(u.message) });
//   await tg.sendMessage('@bob', 'hello');
//
// - Peers: a user id (number or bigint), '@username' (resolved once, then cached), 'me', or an InputPeer.
//   Access hashes come from every users vector the client sees and are kept in storage with the session.
// - Updates (src/client/updates/engine.ts): pushed updates and the Updates answered to our own calls go
//   through one engine that follows pts/qts/seq, fills gaps with updates.getDifference, and catches up
//   after every reconnection or new session and after a restart from stored state. `updates` delivers
//   full updates (short forms expanded), each once, in the account's pts order; the client's own sent
//   messages and deletions appear there too.
// - Files: uploadFile/downloadFile go through a pool of extra connections sharing this client's auth key
//   (src/client/files/), opened on first use.
// - Secret chats: `secretChats` (src/client/secret/manager.ts) is fed by the updates engine (so
//   updateEncryption and encrypted messages missed while offline arrive through getDifference, once), its
//   files go through the transfer pool, and its state (keys, seq numbers) is saved with the session in
//   the same Storage entry as the auth key and the updates state, so a restarted client goes on.
import { concatBytes } from '../crypto/bytes.ts';
import { CallError, RpcError } from '../errors.ts';
import type {
  RawAuthSentCode, RawDialog, RawDocument, RawMessage, RawUpdateNewMessage, RawUser, ResultOf, TlRequest, TypeChat, TypeInputFileLocation,
  TypeInputPeer, TypeMessage, TypeMessageEntity, TypePeer, TypeUpdate, TypeUpdates, TypeUser,
} from '../tl/generated/types.ts';
import { randomLong } from '../session/msg-id.ts';
import { MtprotoClient, type ClientEvent, type InvokeOptions, type MtprotoClientOptions } from './client.ts';
import { AccountStorage } from './account/account-storage.ts';
import { PeerCache } from './account/peers.ts';
import { documentLocation, downloadFile, type DownloadOptions, type DownloadResult, type DownloadTarget } from './files/download.ts';
import { TransferPool } from './files/pool.ts';
import type { UploadSource } from './files/source.ts';
import { uploadFile, type UploadedFile, type UploadOptions } from './files/upload.ts';
import { MemoryStorage } from './storage/memory.ts';
import { SecretChats, type SecretChatsOptions } from './secret/manager.ts';
import { UpdateStream } from './updates.ts';
import { UpdatesEngine, type UpdatesEngineEvent } from './updates/engine.ts';
import { expandShortSent } from './updates/expand.ts';

export interface TelegramClientOptions extends MtprotoClientOptions {
  /** api_hash for auth.sendCode (default ''). */
  apiHash?: string;
  /** How long an updates gap may stay open before getDifference (default 500 ms). */
  updatesGapMs?: number;
  /** Updates buffered for a slow `for await` reader before the oldest are dropped (default 100 000). */
  updatesBuffer?: number;
  /** Diagnostics of the updates engine: gaps, duplicates, getDifference, differenceTooLong, errors. */
  onUpdatesEvent?: (event: UpdatesEngineEvent) => void;
  /** Connections of the file-transfer pool (default 4). */
  transferConnections?: number;
  /** Options of `secretChats` (per-chat settings such as re-keying thresholds, onRequest). */
  secretChats?: Pick<SecretChatsOptions, 'chat' | 'onRequest' | 'persistHistory'>;
}

/** A user id, '@username' (or 'username'), 'me' / 'self', or an InputPeer. */
export type Peer = number | bigint | string | TypeInputPeer;

export interface SignUpProfile {
  firstName: string;
  lastName?: string;
}

/** The login code, or a function asked for it once the code was sent. */
export type LoginCode = string | ((info: { phone: string; sentCode: RawAuthSentCode }) => string | Promise<string>);

export interface SendMessageOptions {
  entities?: TypeMessageEntity[];
  replyToMsgId?: number;
  silent?: boolean;
  noWebpage?: boolean;
}

export interface SendFileOptions extends UploadOptions {
  caption?: string;
  /** Default application/octet-stream. */
  mimeType?: string;
}

export interface HistoryOptions {
  /** Messages per page (the server caps it at 100; default 100). */
  limit?: number;
  /** Only messages older than this id. */
  offsetId?: number;
  offsetDate?: number;
  addOffset?: number;
  maxId?: number;
  minId?: number;
}

export interface DialogsOptions {
  limit?: number;
  offsetDate?: number;
  offsetId?: number;
  offsetPeer?: Peer;
}

export interface Dialog {
  dialog: RawDialog;
  peer: TypePeer;
  /** The dialog's top message. */
  message?: TypeMessage;
  /** The other user of a private chat. */
  user?: RawUser;
}

export class TelegramClient {
  /** The session underneath (invoke any method). */
  readonly mtproto: MtprotoClient;
  /** Full updates, once each, in pts order: `for await (const u of client.updates)` or `client.updates.on(fn)`. */
  readonly updates: UpdateStream<TypeUpdate>;
  /** Users seen, with their access hashes. */
  readonly peers = new PeerCache();
  /**
   * Secret chats: `request(peer)`, `accept(chatId)`, `send(chatId, text)`, `sendFile(chatId, bytes)`,
   * `discard(chatId)`, events with `on(fn)` ('requested', 'ready', 'message', 'action', 'discarded', …).
   */
  readonly secretChats: TelegramSecretChats;
  private readonly options: TelegramClientOptions;
  private readonly storage: AccountStorage;
  private engine?: UpdatesEngine;
  private userId?: bigint;
  private loaded = false;
  private connectedOnce = false;
  private pool?: Promise<TransferPool>;
  private closed = false;
  private savedPeers = -1;

  constructor(options: TelegramClientOptions) {
    this.options = options;
    this.updates = new UpdateStream<TypeUpdate>(options.updatesBuffer ?? 100_000);
    const name = options.storageName ?? `${options.host}:${options.port}`;
    this.storage = new AccountStorage(options.storage ?? new MemoryStorage(), name, () => this.signedOut());
    this.mtproto = new MtprotoClient({ ...options, storage: this.storage, storageName: name, onEvent: (e) => this.onSessionEvent(e) });
    this.mtproto.onUpdate((o) => {
      if (isUpdates(o)) this.engine?.handle(o);
    });
    this.secretChats = new TelegramSecretChats(this, {
      ...options.secretChats,
      invoke: (r: TlRequest) => this.invoke(r as never) as Promise<unknown>,
      ordered: true,
      onChange: () => this.storage.touch(),
      upload: async (bytes, name) => {
        const up = await this.uploadFile(bytes, { name, md5: true });
        return { id: up.fileId, parts: up.parts, big: up.big, md5: up.md5 };
      },
      download: async (location, size) => {
        const chunks: Uint8Array[] = [];
        await this.downloadFile(location, { write: (c) => void chunks.push(c.slice()) }, { size: size || undefined });
        return concatBytes(...chunks); // not Buffer: this client runs in browsers and Deno too
      },
    });
    this.storage.provide(() => ({ secretChats: this.secretChats.exportState() }));
  }

  /** True once signed in (from this run or from storage). */
  get signedIn(): boolean {
    return this.userId !== undefined;
  }

  /** The signed-in user's id. */
  get selfId(): bigint | undefined {
    return this.userId;
  }

  /** The updates state last applied (pts, qts, date, seq). */
  get updatesState() {
    return this.engine?.state;
  }

  /** Connects; a session stored signed in resumes its updates (getDifference from the stored state). */
  async connect(): Promise<void> {
    if (this.closed) throw new CallError('the client is closed', 'closed');
    if (!this.loaded) {
      const fields = await this.storage.load();
      this.loaded = true;
      this.peers.load(fields.peers);
      this.savedPeers = this.peers.version;
      if (fields.userId !== undefined) {
        this.userId = fields.userId;
        // Before the updates engine starts: what it catches up with goes to the restored chats.
        if (fields.secretChats) this.secretChats.importState(fields.secretChats);
        this.startUpdates(fields.updatesState);
      }
    }
    await this.mtproto.connect();
  }

  /** Calls any API method (the answer's users are remembered, Updates go through the updates engine). */
  invoke<R extends TlRequest>(request: R, options?: InvokeOptions): Promise<ResultOf<R>> {
    const call = this.mtproto.invoke(request, options);
    // Registered first, so it runs before the caller sees the answer.
    (call as Promise<unknown>).then((result) => this.absorb(result), () => undefined);
    return call;
  }

  /**
   * Signs in with a phone number: auth.sendCode, then auth.signIn with the code (a string, or a function
   * asked once the code is sent; test numbers 99966·dc·NNNN get theirs derived when none is given), then
   * auth.signUp with `profile` when the number has no account yet.
   */
  async signIn(phone: string, code?: LoginCode, profile?: SignUpProfile): Promise<RawUser> {
    await this.connect();
    const phoneNumber = phone.replace(/[\s+()-]/g, '');
    const sentCode = await this.mtproto.invoke({
      _: 'auth.sendCode', phoneNumber, apiId: this.options.apiId ?? 0, apiHash: this.options.apiHash ?? '', settings: { _: 'codeSettings' },
    });
    if (sentCode._ !== 'auth.sentCode') throw new Error(`signIn: the server answered ${sentCode._} (not supported)`);
    const phoneCode = await this.loginCode(phoneNumber, sentCode, code);
    const signUp = () => this.mtproto.invoke({
      _: 'auth.signUp', phoneNumber, phoneCodeHash: sentCode.phoneCodeHash, firstName: profile?.firstName ?? 'User', lastName: profile?.lastName ?? '',
    });
    let auth;
    try {
      auth = await this.mtproto.invoke({ _: 'auth.signIn', phoneNumber, phoneCodeHash: sentCode.phoneCodeHash, phoneCode });
      if (auth._ === 'auth.authorizationSignUpRequired') auth = await signUp();
    } catch (error) {
      // Servers of layers before 104 say so with an error instead.
      if (!(error instanceof RpcError && error.text === 'PHONE_NUMBER_UNOCCUPIED')) throw error;
      auth = await signUp();
    }
    if (auth._ !== 'auth.authorization' || auth.user._ !== 'user') throw new Error('signIn: no user in the authorization');
    const user = auth.user;
    this.peers.addUsers([user]);
    this.engine?.stop();
    this.engine = undefined;
    this.userId = user.id;
    this.storage.update({ userId: user.id, updatesState: undefined });
    this.startUpdates(undefined);
    this.savePeers();
    return user;
  }

  private async loginCode(phone: string, sentCode: RawAuthSentCode, code: LoginCode | undefined): Promise<string> {
    if (typeof code === 'function') return String(await code({ phone, sentCode }));
    if (typeof code === 'string') return code;
    // Telegram's test numbers: 99966, the dc id, four digits; the code is the dc id five times.
    const dcId = this.options.dcId ?? 2;
    if (new RegExp(`^99966${dcId}\\d{4}$`).test(phone)) return String(dcId).repeat(5);
    throw new TypeError('signIn: a code (or a function that asks for it) is needed for this number');
  }

  /** The signed-in user (users.getUsers with inputUserSelf). */
  async getMe(): Promise<RawUser> {
    const [me] = await this.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    if (me?._ !== 'user') throw new Error('getMe: no user');
    this.userId ??= me.id;
    return me;
  }

  /** Resolves a username ('@name' or 'name') to its user (contacts.resolveUsername; cached afterwards). */
  async resolveUsername(username: string): Promise<RawUser> {
    const name = username.replace(/^@/, '');
    const resolved = await this.invoke({ _: 'contacts.resolveUsername', username: name });
    const peer = resolved.peer;
    const user = resolved.users.find((u): u is RawUser => u._ === 'user' && peer._ === 'peerUser' && u.id === peer.userId);
    if (!user) throw new RpcError(400, 'USERNAME_NOT_OCCUPIED');
    return user;
  }

  /** The InputPeer for a Peer. */
  async inputPeer(peer: Peer): Promise<TypeInputPeer> {
    if (typeof peer === 'object') return peer;
    if (typeof peer === 'string') {
      if (peer === 'me' || peer === 'self') return { _: 'inputPeerSelf' };
      if (!/^-?\d+$/.test(peer)) {
        const name = peer.replace(/^@/, '');
        const known = this.peers.idOf(name);
        const id = known ?? (await this.resolveUsername(name)).id;
        return this.inputPeer(id);
      }
      peer = BigInt(peer);
    }
    const id = BigInt(peer);
    if (id === this.userId) return { _: 'inputPeerSelf' };
    const input = this.peers.inputPeer(id);
    if (!input) throw new RangeError(`peer ${id}: unknown user (no access hash seen yet): resolve its username, or pass an InputPeer`);
    return input;
  }

  /** Sends a text message; resolves with the sent message (its id and date from the server). */
  async sendMessage(peer: Peer, text: string, options: SendMessageOptions = {}): Promise<RawMessage> {
    const input = await this.inputPeer(peer);
    const randomId = randomLong();
    const result = await this.mtproto.invoke({
      _: 'messages.sendMessage', peer: input, message: text, randomId, entities: options.entities, silent: options.silent || undefined,
      noWebpage: options.noWebpage || undefined, replyTo: options.replyToMsgId ? { _: 'inputReplyToMessage', replyToMsgId: options.replyToMsgId } : undefined,
    });
    if (result._ === 'updateShortSentMessage') {
      const update = expandShortSent(result, { peer: this.peerOf(input), message: text, entities: options.entities }, this.userId);
      this.engine?.handle({ _: 'updateShort', update, date: result.date });
      return update.message as RawMessage;
    }
    this.absorb(result);
    const message = sentMessage(result, randomId);
    if (!message) throw new Error(`sendMessage: the answer (${result._}) holds no message`);
    return message;
  }

  /** Changes a message's text; resolves with the edited message. */
  async editMessage(peer: Peer, id: number, text: string, options: { entities?: TypeMessageEntity[] } = {}): Promise<RawMessage> {
    const result = await this.invoke({ _: 'messages.editMessage', peer: await this.inputPeer(peer), id, message: text, entities: options.entities });
    for (const u of updatesOf(result)) {
      if ((u._ === 'updateEditMessage' || u._ === 'updateNewMessage') && u.message._ === 'message' && u.message.id === id) return u.message;
    }
    throw new Error(`editMessage: the answer (${result._}) holds no message`);
  }

  /** Deletes messages (for everyone with `revoke`); resolves with how many the server changed (pts_count). */
  async deleteMessages(ids: number[], options: { revoke?: boolean } = {}): Promise<number> {
    const affected = await this.mtproto.invoke({ _: 'messages.deleteMessages', id: ids, revoke: options.revoke || undefined });
    // Our own deletion is on the account's pts too: the stream gets it like the other devices do.
    this.engine?.handleAffected(affected.pts, affected.ptsCount, affected.ptsCount > 0 ? { _: 'updateDeleteMessages', messages: ids, pts: affected.pts, ptsCount: affected.ptsCount } : undefined);
    return affected.ptsCount;
  }

  /** Marks a chat read up to `maxId` (0: everything). */
  async readHistory(peer: Peer, maxId = 0): Promise<void> {
    const affected = await this.mtproto.invoke({ _: 'messages.readHistory', peer: await this.inputPeer(peer), maxId });
    this.engine?.handleAffected(affected.pts, affected.ptsCount);
  }

  /** A page of a chat's history, newest first. */
  async getHistory(peer: Peer, options: HistoryOptions = {}): Promise<TypeMessage[]> {
    const result = await this.invoke({
      _: 'messages.getHistory', peer: await this.inputPeer(peer), offsetId: options.offsetId ?? 0, offsetDate: options.offsetDate ?? 0,
      addOffset: options.addOffset ?? 0, limit: options.limit ?? 100, maxId: options.maxId ?? 0, minId: options.minId ?? 0, hash: 0n,
    });
    return result._ === 'messages.messagesNotModified' ? [] : result.messages;
  }

  /** A page of dialogs, most recent first, with their top messages and users. */
  async getDialogs(options: DialogsOptions = {}): Promise<Dialog[]> {
    const result = await this.invoke({
      _: 'messages.getDialogs', offsetDate: options.offsetDate ?? 0, offsetId: options.offsetId ?? 0,
      offsetPeer: options.offsetPeer === undefined ? { _: 'inputPeerEmpty' } : await this.inputPeer(options.offsetPeer), limit: options.limit ?? 100, hash: 0n,
    });
    if (result._ === 'messages.dialogsNotModified') return [];
    const out: Dialog[] = [];
    for (const d of result.dialogs) {
      if (d._ !== 'dialog') continue;
      const message = result.messages.find((m) => m.id === d.topMessage && samePeer(m, d.peer));
      const user = d.peer._ === 'peerUser' ? result.users.find((u): u is RawUser => u._ === 'user' && u.id === (d.peer as { userId: bigint }).userId) : undefined;
      out.push({ dialog: d, peer: d.peer, message, user });
    }
    return out;
  }

  /** Uploads a file (bytes, a path, or an async iterable of chunks) over the transfer pool; see src/client/files/upload.ts. */
  async uploadFile(source: UploadSource, options?: UploadOptions): Promise<UploadedFile> {
    return uploadFile(await this.transferPool(), source, options);
  }

  /**
   * Uploads a file and sends it as a document (messages.sendMedia with inputMediaUploadedDocument);
   * resolves with the sent message (its media holds the document to download).
   */
  async sendFile(peer: Peer, source: UploadSource, options: SendFileOptions = {}): Promise<RawMessage> {
    const input = await this.inputPeer(peer);
    const uploaded = await this.uploadFile(source, options);
    const fileName = options.name ?? (uploaded.inputFile as { name?: string }).name ?? 'file';
    const randomId = randomLong();
    const result = await this.mtproto.invoke({
      _: 'messages.sendMedia', peer: input, message: options.caption ?? '', randomId,
      media: { _: 'inputMediaUploadedDocument', file: uploaded.inputFile, mimeType: options.mimeType ?? 'application/octet-stream', attributes: [{ _: 'documentAttributeFilename', fileName }] },
    });
    this.absorb(result);
    const message = sentMessage(result, randomId);
    if (!message) throw new Error(`sendFile: the answer (${result._}) holds no message`);
    return message;
  }

  /** Downloads a document (or a message's document, or any InputFileLocation) to a path or a sink. */
  async downloadFile(location: TypeInputFileLocation | RawDocument | RawMessage, target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
    let size = options.size;
    if (location._ === 'message') {
      const media = location.media;
      if (media?._ !== 'messageMediaDocument' || media.document?._ !== 'document') throw new TypeError('downloadFile: the message has no document');
      location = media.document;
    }
    if (location._ === 'document') {
      size ??= Number(location.size);
      location = documentLocation(location);
    }
    return downloadFile(await this.transferPool(), location, target, { ...options, size });
  }

  /** Closes the connection(s); the updates state and peers are written to storage first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // What was delivered is what the stored state says (a getDifference in flight is not waited for).
    this.engine?.stop();
    if (this.engine?.state) this.storage.update({ updatesState: this.engine.state });
    this.savePeers();
    await this.storage.flush();
    this.secretChats.close();
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.then((p) => p.close(), () => undefined);
    await this.mtproto.close();
    this.updates.end();
  }

  // ---- internals ----

  private startUpdates(state: { pts: number; qts: number; date: number; seq: number } | undefined): void {
    const engine = new UpdatesEngine({
      invoker: {
        getState: () => this.mtproto.invoke({ _: 'updates.getState' }),
        getDifference: (s) => this.mtproto.invoke({ _: 'updates.getDifference', pts: s.pts, date: s.date, qts: s.qts }),
      },
      deliver: (u) => {
        if (u._ === 'updateEncryption' || u._ === 'updateNewEncryptedMessage') this.secretChats.handleUpdate(u);
        this.updates.push(u);
      },
      entities: (users) => this.remember(users),
      selfId: () => this.userId,
      onState: (s) => {
        this.storage.update({ updatesState: s });
        this.savePeers();
      },
      onEvent: (e) => {
        this.options.onUpdatesEvent?.(e);
        // The key was signed out on the server: stop following an account we no longer have.
        if (e.type === 'error' && e.error instanceof RpcError && e.error.code === 401) this.signedOut();
      },
      gapWaitMs: this.options.updatesGapMs,
    });
    this.engine = engine;
    engine.start(state);
  }

  private onSessionEvent(e: ClientEvent): void {
    this.options.onEvent?.(e);
    if (e.type === 'connected') {
      // Back after a disconnection: ask for whatever happened meanwhile (pushes may have been lost).
      if (this.connectedOnce) this.engine?.sync('reconnected');
      this.connectedOnce = true;
    } else if (e.type === 'new_session') {
      this.engine?.sync('new session');
    }
  }

  private signedOut(): void {
    if (this.userId !== undefined) this.storage.update({ userId: undefined, updatesState: undefined });
    this.userId = undefined;
    this.engine?.stop();
    this.engine = undefined;
  }

  /** Remembers the users of any answer; Updates go to the engine. */
  private absorb(result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    if (isUpdates(result as { _: string })) return this.engine?.handle(result as TypeUpdates);
    const users = (result as { users?: unknown }).users;
    if (Array.isArray(users)) this.remember(users as TypeUser[]);
    const user = (result as { user?: TypeUser }).user;
    if (user && typeof user === 'object' && '_' in user) this.remember([user]);
    if (Array.isArray(result)) this.remember(result.filter((u) => u && (u._ === 'user' || u._ === 'userEmpty')));
  }

  private remember(users: TypeUser[], _chats?: TypeChat[]): void {
    this.peers.addUsers(users);
    this.savePeers();
  }

  private savePeers(): void {
    if (this.peers.version === this.savedPeers) return;
    this.savedPeers = this.peers.version;
    this.storage.update({ peers: this.peers.list() });
  }

  private peerOf(input: TypeInputPeer): TypePeer {
    switch (input._) {
      case 'inputPeerSelf':
        return { _: 'peerUser', userId: this.userId ?? 0n };
      case 'inputPeerUser':
      case 'inputPeerUserFromMessage':
        return { _: 'peerUser', userId: input.userId };
      case 'inputPeerChat':
        return { _: 'peerChat', chatId: input.chatId };
      case 'inputPeerChannel':
      case 'inputPeerChannelFromMessage':
        return { _: 'peerChannel', channelId: input.channelId };
      default:
        throw new TypeError(`cannot send to ${input._}`);
    }
  }

  private async transferPool(): Promise<TransferPool> {
    if (this.closed) throw new CallError('the client is closed', 'closed');
    await this.connect();
    this.pool ??= TransferPool.connect(
      { ...this.options, storage: this.storage, storageName: this.storage.name, onEvent: undefined },
      this.options.transferConnections ?? 4,
    );
    this.pool.catch(() => (this.pool = undefined));
    return this.pool;
  }
}

/** SecretChats with TelegramClient's peers: request() takes any Peer (a user id, '@username', an InputPeer). */
export class TelegramSecretChats extends SecretChats {
  constructor(private readonly client: TelegramClient, options: SecretChatsOptions) {
    super(options);
  }

  override async request(peer: Peer | { _: 'inputUser'; userId: bigint; accessHash: bigint }) {
    if (typeof peer === 'object' && peer._ === 'inputUser') return super.request(peer);
    const input = await this.client.inputPeer(peer as Peer);
    if (input._ !== 'inputPeerUser') throw new TypeError(`secret chats are with users (got ${input._})`);
    return super.request({ _: 'inputUser', userId: input.userId, accessHash: input.accessHash });
  }
}

const UPDATES = new Set(['updatesTooLong', 'updateShortMessage', 'updateShortChatMessage', 'updateShort', 'updatesCombined', 'updates', 'updateShortSentMessage']);

function isUpdates(o: { _: string }): o is TypeUpdates {
  return UPDATES.has(o._);
}

function updatesOf(u: TypeUpdates): TypeUpdate[] {
  if (u._ === 'updates' || u._ === 'updatesCombined') return u.updates;
  if (u._ === 'updateShort') return [u.update];
  return [];
}

/** The message an Updates answer to sendMessage/sendMedia carries (matched through updateMessageID). */
function sentMessage(u: TypeUpdates, randomId: bigint): RawMessage | undefined {
  const list = updatesOf(u);
  const id = list.find((x) => x._ === 'updateMessageID' && x.randomId === randomId) as { id: number } | undefined;
  for (const x of list) {
    if (x._ !== 'updateNewMessage') continue;
    const m = (x as RawUpdateNewMessage).message;
    if (m._ === 'message' && (id === undefined || m.id === id.id)) return m;
  }
  return undefined;
}

function samePeer(m: TypeMessage, p: TypePeer): boolean {
  if (m._ === 'messageEmpty') return false;
  const q = m.peerId;
  if (q._ !== p._) return false;
  if (q._ === 'peerUser') return q.userId === (p as { userId: bigint }).userId;
  if (q._ === 'peerChat') return q.chatId === (p as { chatId: bigint }).chatId;
  return q.channelId === (p as { channelId: bigint }).channelId;
}
