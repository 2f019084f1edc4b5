// SecretChats: the client's secret chats over the API. It runs the key exchange (messages.getDhConfig,
// requestEncryption / acceptEncryption, the key_fingerprint compared on both sides), feeds each chat the
// ciphertexts of updateNewEncryptedMessage, and sends what the chats produce with messages.sendEncrypted*,
// one call after another per chat (the server must queue them in seq order).
//
// Wiring: `new SecretChats({ invoke })`, then feed it every update — handleUpdate() takes single updates
// (as TelegramClient's gap-free iterator yields them) and Updates envelopes (as MtprotoClient pushes them).
// Duplicated updateNewEncryptedMessage (same qts) are dropped here; the chats drop replays by seq_no too.
//
// updateEncryption carries a chat's whole state and may come twice (live and from getDifference, or again
// after a restart): handling it is idempotent — a request already known, accepted or discarded is not
// announced again, a discarded chat stays discarded.
//
// Persistence: exportState() / importState() (SecretChatsState: every chat's keys and counters, requests
// waiting on either side, the DH config); `onChange` says when it changed (TelegramClient saves it with
// the session, next to the auth key).
import { SecurityError } from '../../errors.ts';
import { bigintFromBytes, concatBytes } from '../../crypto/bytes.ts';
import { checkSecretDhConfig, createDhHalf, secretDhKey, secretKey, type DhHalf, type DhParams } from '../../crypto/secret/index.ts';
import type { TlRequest } from '../../tl/generated/types.ts';
import { SecretChat, type SecretChatOptions, type SecretChatState } from './secret-chat.ts';
import type { SecretChatEvent, SecretFileInfo, SecretOutgoing } from './types.ts';
import type { SecretFileKey } from '../../crypto/secret/index.ts';

type AnyObject = { _: string; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SecretChatsApi {
  invoke(request: TlRequest): Promise<unknown>;
}

export interface SecretChatsOptions extends SecretChatsApi {
  /** Sent messages kept per chat in exportState() for resend requests (default 200). */
  persistHistory?: number;
  /** Options for every chat (re-keying thresholds, timers…). */
  chat?: Partial<Omit<SecretChatOptions, 'id' | 'originator' | 'key' | 'dh' | 'send'>>;
  /**
   * True when an updates engine (src/client/updates, TelegramClient) feeds this manager: its updates are
   * already gap-free and in qts order (getDifference's messages come with qts 0), so the manager's own qts
   * bookkeeping is off. Default false (raw pushes, e.g. from MtprotoClient.updates).
   */
  ordered?: boolean;
  /** How long a qts gap may stay open before getDifference is asked (default 200 ms). */
  gapDelayMs?: number;
  /** Called for a request from another user (encryptedChatRequested); accept with accept(chatId). */
  onRequest?: (request: { chatId: number; adminId: bigint }) => void;
  /** Called (synchronously) after the state exportState() returns changed: persist it soon. */
  onChange?: () => void;
  /** Uploads an encrypted file's bytes (sendFile); TelegramClient uses its transfer pool. */
  upload?: (encrypted: Uint8Array, name: string) => Promise<UploadedEncrypted>;
  /** Downloads an encrypted file (downloadFile); default: upload.getFile in 1 MB parts through invoke. */
  download?: (location: { _: 'inputEncryptedFileLocation'; id: bigint; accessHash: bigint }, size: number) => Promise<Uint8Array>;
}

/** What an upload gives sendFile: the file id and parts, big (over 10 MB) or with the MD5 of the bytes. */
export interface UploadedEncrypted {
  id: bigint;
  parts: number;
  big: boolean;
  /** Hex MD5 of the uploaded (encrypted) bytes; needed when not big. */
  md5?: string;
}

/** SecretChats.exportState(): everything needed to go on after a restart (holds secrets). */
export interface SecretChatsState {
  v: 1;
  dh?: { g: number; p: bigint; version: number };
  chats: Array<{ accessHash: bigint; chat: SecretChatState }>;
  /** Requests from others not accepted (yet). */
  requested: Array<{ id: number; accessHash: bigint; adminId: bigint; gA: Uint8Array; date: number }>;
  /** Our requests waiting for the peer (our DH half). */
  pending: Array<{ id: number; accessHash: bigint; dh: DhParams; exponent: bigint; publicValue: Uint8Array }>;
  discarded: number[];
  lastQts: number;
  /** Ciphertexts that came before their chat was open. */
  early: Array<{ chatId: number; messages: unknown[] }>;
}

export type SecretChatsEvent =
  | SecretChatEvent
  | { type: 'ready'; chatId: number; chat: SecretChat }
  | { type: 'requested'; chatId: number; adminId: bigint }
  | { type: 'discarded'; chatId: number };

interface Pending {
  half: DhHalf;
  dh: DhParams;
  accessHash: bigint;
  /** Absent for a request restored from storage (its promise belonged to the previous run). */
  resolve?: (chat: SecretChat) => void;
  reject?: (e: unknown) => void;
}

export class SecretChats {
  readonly chats = new Map<number, SecretChat>();
  private readonly accessHashes = new Map<number, bigint>();
  private readonly requested = new Map<number, AnyObject>();
  private readonly pending = new Map<number, Pending>();
  private readonly sendQueues = new Map<number, Promise<void>>();
  private readonly listeners = new Set<(e: SecretChatsEvent) => void>();
  private dh: (DhParams & { version: number }) | undefined;
  private lastQts = 0;
  /** Ciphertexts that arrived before their chat was ready (the peer may write right after accepting). */
  private readonly early = new Map<number, AnyObject[]>();
  /** Chats discarded (by either side): nothing about them is announced again. */
  private readonly discarded = new Set<number>();
  /** Requests being accepted right now (a repeated encryptedChatRequested must not re-announce them). */
  private readonly accepting = new Set<number>();

  constructor(private readonly options: SecretChatsOptions) {}

  private changed(): void {
    this.options.onChange?.();
  }

  /** The chat, or a RangeError naming it. */
  chat(chatId: number): SecretChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new RangeError(`no open secret chat ${chatId}`);
    return chat;
  }

  /** Requests from other users waiting for accept(). */
  get requests(): Array<{ chatId: number; adminId: bigint }> {
    return [...this.requested.values()].map((r) => ({ chatId: r.id as number, adminId: r.adminId as bigint }));
  }

  /** Sends a text message; returns its random_id. */
  send(chatId: number, text: string, opts?: Parameters<SecretChat['sendText']>[1]): bigint {
    return this.chat(chatId).sendText(text, opts);
  }

  /**
   * Encrypts a file with a fresh key, uploads the ciphertext (the `upload` option) and sends it as a
   * document (messages.sendEncryptedFile). Resolves with the message's random_id once the send was answered.
   */
  async sendFile(chatId: number, data: Uint8Array, opts: { fileName?: string; mimeType?: string; caption?: string; ttl?: number } = {}): Promise<bigint> {
    const chat = this.chat(chatId);
    if (!this.options.upload) throw new TypeError('sendFile: no upload function (options.upload)');
    const prepared: { encrypted: Uint8Array; fileKey: SecretFileKey; keyFingerprint: number; size: number } = chat.prepareFile(data);
    const up = await this.options.upload(prepared.encrypted, opts.fileName ?? 'file');
    const input = up.big
      ? { _: 'inputEncryptedFileBigUploaded', id: up.id, parts: up.parts, keyFingerprint: prepared.keyFingerprint }
      : { _: 'inputEncryptedFileUploaded', id: up.id, parts: up.parts, md5Checksum: up.md5 ?? '', keyFingerprint: prepared.keyFingerprint };
    const randomId = this.chat(chatId).sendFile(prepared, input, opts);
    await this.flush(chatId);
    return randomId;
  }

  /** Downloads and decrypts the file of a received message event (fingerprint and size checked). */
  async downloadFile(event: Extract<SecretChatEvent, { type: 'message' }>): Promise<Uint8Array> {
    const file = event.file;
    if (!file || file.id === undefined || file.accessHash === undefined) throw new SecurityError('file', 'the message came without an EncryptedFile');
    const location = { _: 'inputEncryptedFileLocation' as const, id: file.id, accessHash: file.accessHash };
    const size = Number(file.size ?? 0);
    const encrypted = this.options.download ? await this.options.download(location, size) : await this.getFile(location);
    return this.chat(event.chatId).decryptFile(event, encrypted);
  }

  private async getFile(location: { _: 'inputEncryptedFileLocation'; id: bigint; accessHash: bigint }): Promise<Uint8Array> {
    const part = 1 << 20;
    const chunks: Uint8Array[] = [];
    for (let offset = 0; ; offset += part) {
      const r = (await this.options.invoke({ _: 'upload.getFile', location, offset: BigInt(offset), limit: part } as TlRequest)) as AnyObject;
      if (r._ !== 'upload.file') throw new SecurityError('file', `upload.getFile answered ${r._}`);
      const bytes = r.bytes as Uint8Array;
      chunks.push(bytes);
      if (bytes.length < part) break;
    }
    return concatBytes(...chunks);
  }

  /**
   * Ends this run: promises of request() still waiting reject (the requests themselves stay in the state,
   * and complete after a restart with a 'ready' event), timers stop.
   */
  close(): void {
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = undefined;
    for (const p of this.pending.values()) {
      const reject = p.reject;
      p.resolve = p.reject = undefined;
      reject?.(new SecurityError('encrypted_chat', 'closed before the peer accepted (the request goes on after a restart)'));
    }
  }

  /** Everything needed to continue after a restart (SecretChatsState; holds keys: store it like the auth key). */
  exportState(): SecretChatsState {
    return {
      v: 1,
      dh: this.dh && { ...this.dh },
      chats: [...this.chats.values()].map((chat) => ({ accessHash: this.accessHashes.get(chat.id)!, chat: chat.exportState(this.persistHistory) })),
      requested: [...this.requested.values()].map((r) => ({ id: r.id, accessHash: r.accessHash, adminId: r.adminId, gA: r.gA, date: r.date ?? 0 })),
      pending: [...this.pending].map(([id, p]) => ({ id, accessHash: p.accessHash, dh: { ...p.dh }, exponent: p.half.exponent, publicValue: p.half.publicValue })),
      discarded: [...this.discarded],
      lastQts: this.lastQts,
      early: [...this.early].map(([chatId, messages]) => ({ chatId, messages })),
    };
  }

  /** Sent messages kept per chat in exportState() for the peer's resend requests (default 200). */
  private get persistHistory(): number {
    return this.options.persistHistory ?? 200;
  }

  /**
   * Restores exportState()'s snapshot (before feeding updates). Chats come back open without 'ready'
   * events; requests of either side can still be accepted / complete.
   */
  importState(state: SecretChatsState): void {
    if (state.v !== 1) throw new RangeError(`secret chats state version ${String(state.v)} is not supported`);
    if (state.dh) this.dh = { ...state.dh };
    for (const { accessHash, chat: cs } of state.chats) {
      const chat = SecretChat.restore(cs, { ...this.options.chat, send: (out) => this.enqueue(out) });
      this.accessHashes.set(chat.id, accessHash);
      chat.on((e) => this.emit(e));
      this.chats.set(chat.id, chat);
    }
    for (const r of state.requested) this.requested.set(r.id, { _: 'encryptedChatRequested', ...r });
    for (const p of state.pending) this.pending.set(p.id, { half: { exponent: p.exponent, publicValue: p.publicValue }, dh: p.dh, accessHash: p.accessHash });
    for (const id of state.discarded) this.discarded.add(id);
    this.lastQts = state.lastQts;
    for (const e of state.early) this.early.set(e.chatId, e.messages as AnyObject[]);
  }

  on(listener: (e: SecretChatsEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SecretChatsEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Fetches (or revalidates) the DH configuration and returns it with the server's random bytes. */
  private async dhConfig(): Promise<{ dh: DhParams; random: Uint8Array }> {
    const r = (await this.options.invoke({ _: 'messages.getDhConfig', version: this.dh?.version ?? 0, randomLength: 256 })) as AnyObject;
    if (r._ === 'messages.dhConfig') {
      const dh = { g: r.g as number, p: bigintFromBytes(r.p), version: r.version as number };
      checkSecretDhConfig(dh);
      this.dh = dh;
    } else if (r._ !== 'messages.dhConfigNotModified' || this.dh === undefined) {
      throw new SecurityError('dh_config', `unexpected ${r._}`);
    }
    return { dh: { g: this.dh.g, p: this.dh.p }, random: r.random as Uint8Array };
  }

  /** Opens a secret chat with a user (InputUser); resolves once they accepted and the key checks out. */
  async request(user: { _: 'inputUser'; userId: bigint; accessHash: bigint }): Promise<SecretChat> {
    const { dh, random } = await this.dhConfig();
    const half = createDhHalf(dh, random);
    const randomId = new DataView(crypto.getRandomValues(new Uint8Array(4)).buffer).getInt32(0, true);
    const chat = (await this.options.invoke({ _: 'messages.requestEncryption', userId: user, randomId, gA: half.publicValue })) as AnyObject;
    if (chat._ !== 'encryptedChatWaiting' && chat._ !== 'encryptedChat') throw new SecurityError('encrypted_chat', `unexpected ${chat._}`);
    return new Promise<SecretChat>((resolve, reject) => {
      this.pending.set(chat.id, { half, dh, accessHash: chat.accessHash, resolve, reject });
      this.changed();
      if (chat._ === 'encryptedChat') this.onEncryptedChat(chat);
    });
  }

  /** Accepts a chat another user requested (after updateEncryption with encryptedChatRequested). */
  async accept(chatId: number): Promise<SecretChat> {
    const req = this.requested.get(chatId);
    if (!req) throw new SecurityError('encrypted_chat', `no pending request for chat ${chatId}`);
    this.requested.delete(chatId);
    this.accepting.add(chatId);
    try {
      const { dh, random } = await this.dhConfig();
      const half = createDhHalf(dh, random);
      const key = secretKey(secretDhKey(dh, half, req.gA, 'g_a'));
      const peer = { _: 'inputEncryptedChat' as const, chatId, accessHash: req.accessHash as bigint };
      const answer = (await this.options.invoke({ _: 'messages.acceptEncryption', peer, gB: half.publicValue, keyFingerprint: key.fingerprint })) as AnyObject;
      if (answer._ !== 'encryptedChat') throw new SecurityError('encrypted_chat', `unexpected ${answer._}`);
      return this.open(chatId, req.accessHash, false, key.key, dh);
    } catch (e) {
      // Not accepted: the request can be tried again (unless it was discarded meanwhile).
      if (!this.discarded.has(chatId) && !this.chats.has(chatId)) this.requested.set(chatId, req);
      throw e;
    } finally {
      this.accepting.delete(chatId);
      this.changed();
    }
  }

  /** Closes a chat (ours or a request we decline) for both sides. */
  async discard(chatId: number, deleteHistory = false): Promise<void> {
    const known = this.chats.has(chatId) || this.requested.has(chatId) || this.pending.has(chatId);
    this.forget(chatId);
    this.changed();
    if (known) this.emit({ type: 'discarded', chatId });
    await this.options.invoke({ _: 'messages.discardEncryption', deleteHistory, chatId });
  }

  /** Drops everything about a chat; it stays marked discarded. */
  private forget(chatId: number): void {
    this.discarded.add(chatId);
    this.chats.get(chatId)?.close();
    this.chats.delete(chatId);
    this.accessHashes.delete(chatId);
    this.requested.delete(chatId);
    this.early.delete(chatId);
    const p = this.pending.get(chatId);
    if (p) {
      this.pending.delete(chatId);
      p.reject?.(new SecurityError('encrypted_chat', 'the chat was declined'));
    }
  }

  private open(chatId: number, accessHash: bigint, originator: boolean, key: Uint8Array, dh: DhParams): SecretChat {
    this.accessHashes.set(chatId, accessHash);
    const chat = new SecretChat({ ...this.options.chat, id: chatId, originator, key, dh, send: (out) => this.enqueue(out) });
    chat.on((e) => this.emit(e));
    this.chats.set(chatId, chat);
    this.emit({ type: 'ready', chatId, chat });
    chat.start();
    for (const m of this.early.get(chatId) ?? []) this.deliver(chat, m);
    this.early.delete(chatId);
    this.changed();
    return chat;
  }

  /** Sends in order per chat; a failed send is reported on the chat's events and the queue goes on. */
  private enqueue(out: SecretOutgoing): void {
    const peer = { _: 'inputEncryptedChat' as const, chatId: out.chatId, accessHash: this.accessHashes.get(out.chatId)! };
    const req: TlRequest = out.file !== undefined
      ? { _: 'messages.sendEncryptedFile', peer, randomId: out.randomId, data: out.data, file: out.file as never }
      : out.service
        ? { _: 'messages.sendEncryptedService', peer, randomId: out.randomId, data: out.data }
        : { _: 'messages.sendEncrypted', peer, randomId: out.randomId, data: out.data };
    this.changed(); // the chat's counters moved
    const prev = this.sendQueues.get(out.chatId) ?? Promise.resolve();
    const next = prev.then(() => this.options.invoke(req)).then(
      (answer) => {
        // A resend of this message names the file the relay now has (its upload is consumed).
        const file = (answer as AnyObject | undefined)?.file as AnyObject | undefined;
        if (out.file === undefined || out.resend || file?._ !== 'encryptedFile') return;
        this.chats.get(out.chatId)?.fileSent(out.randomId, { _: 'inputEncryptedFile', id: file.id, accessHash: file.accessHash });
        this.changed();
      },
      (e: unknown) => this.emit({ type: 'error', chatId: out.chatId, error: e as SecurityError }),
    );
    this.sendQueues.set(out.chatId, next);
  }

  /** Resolves when every queued send of the chat was answered. */
  async flush(chatId?: number): Promise<void> {
    if (chatId !== undefined) return this.sendQueues.get(chatId);
    await Promise.all(this.sendQueues.values());
  }

  /** Feeds one update or an Updates envelope. */
  handleUpdate(update: unknown): void {
    const u = update as AnyObject;
    if (u._ === 'updates' || u._ === 'updatesCombined') {
      for (const inner of u.updates as AnyObject[]) this.handleUpdate(inner);
      return;
    }
    if (u._ === 'updateShort') return this.handleUpdate(u.update);
    if (u._ === 'updateEncryption') return this.onEncryption(u.chat);
    if (u._ === 'updateNewEncryptedMessage') {
      if (this.options.ordered) return this.onEncryptedMessage(u.message);
      if (u.qts <= this.lastQts) return; // seen (a push and getDifference both carried it)
      if (u.qts > this.lastQts + 1) {
        // A qts gap: hold this one, fetch what is missing (unless an updates engine filled it before).
        this.pendingQts.set(u.qts, u.message);
        this.scheduleCatchUp();
        return;
      }
      this.lastQts = u.qts;
      this.onEncryptedMessage(u.message);
      this.drainPending();
    }
  }

  /** Starts counting qts from the account's current state (call once, before feeding updates). */
  async init(): Promise<void> {
    const state = (await this.options.invoke({ _: 'updates.getState' })) as AnyObject;
    this.lastQts = state.qts;
  }

  private readonly pendingQts = new Map<number, AnyObject>();
  private catchUpTimer: ReturnType<typeof setTimeout> | undefined;

  private drainPending(): void {
    for (const q of [...this.pendingQts.keys()]) if (q <= this.lastQts) this.pendingQts.delete(q);
    for (let m = this.pendingQts.get(this.lastQts + 1); m !== undefined; m = this.pendingQts.get(this.lastQts + 1)) {
      this.pendingQts.delete(++this.lastQts);
      this.onEncryptedMessage(m);
    }
  }

  private scheduleCatchUp(): void {
    if (this.catchUpTimer !== undefined) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      if (this.pendingQts.size === 0) return;
      this.catchUp().catch((e: unknown) => this.emit({ type: 'error', chatId: 0, error: e as SecurityError }));
    }, this.options.gapDelayMs ?? 200);
    (this.catchUpTimer as { unref?: () => void }).unref?.();
  }

  /**
   * Fetches the encrypted messages after the last qts seen (updates.getDifference), for when updates were
   * missed and no updates engine does it (TelegramClient's does: then this is not needed).
   */
  async catchUp(): Promise<number> {
    const state = (await this.options.invoke({ _: 'updates.getState' })) as AnyObject;
    let n = 0;
    for (let qts = this.lastQts; qts < state.qts; ) {
      const d = (await this.options.invoke({ _: 'updates.getDifference', pts: state.pts, date: state.date, qts })) as AnyObject;
      if (d._ !== 'updates.difference' && d._ !== 'updates.differenceSlice') break;
      const next = (d._ === 'updates.difference' ? d.state : d.intermediateState).qts as number;
      for (const u of d.otherUpdates as AnyObject[]) this.handleUpdate(u);
      this.handleEncryptedMessages(d.newEncryptedMessages, qts, next);
      n += (d.newEncryptedMessages as unknown[]).length;
      if (next <= qts) break;
      qts = next;
    }
    return n;
  }

  /**
   * Messages of updates.getDifference's new_encrypted_messages asked from qts `from`: the i-th has qts
   * from + 1 + i (each qts event is one message). Those a push delivered meanwhile (qts ≤ the last seen)
   * are skipped; anything else repeated is the chats' business (a replay is reported there).
   */
  handleEncryptedMessages(messages: unknown[], from: number, to: number): void {
    messages.forEach((m, i) => {
      const qts = from + 1 + i;
      if (qts <= this.lastQts) return;
      this.lastQts = qts;
      this.onEncryptedMessage(m as AnyObject);
    });
    if (to > this.lastQts) this.lastQts = to;
    this.drainPending();
  }

  private onEncryption(chat: AnyObject): void {
    if (this.discarded.has(chat.id)) return; // a discarded chat stays discarded (a repeated update is old news)
    switch (chat._) {
      case 'encryptedChatRequested':
        if (this.chats.has(chat.id) || this.requested.has(chat.id) || this.accepting.has(chat.id)) return;
        this.requested.set(chat.id, chat);
        this.changed();
        this.emit({ type: 'requested', chatId: chat.id, adminId: chat.adminId });
        this.options.onRequest?.({ chatId: chat.id, adminId: chat.adminId });
        return;
      case 'encryptedChat':
        return this.onEncryptedChat(chat);
      case 'encryptedChatDiscarded': {
        this.forget(chat.id);
        this.changed();
        this.emit({ type: 'discarded', chatId: chat.id });
        return;
      }
    }
  }

  /** The peer accepted our request: g_b checked, key computed, fingerprints compared (else discard). */
  private onEncryptedChat(chat: AnyObject): void {
    const p = this.pending.get(chat.id);
    if (!p) return;
    this.pending.delete(chat.id);
    try {
      const key = secretKey(secretDhKey(p.dh, p.half, chat.gAOrB, 'g_b'));
      if (key.fingerprint !== chat.keyFingerprint) throw new SecurityError('key_fingerprint', 'the key differs on the two sides');
      const opened = this.open(chat.id, p.accessHash, true, key.key, p.dh);
      p.resolve?.(opened);
    } catch (e) {
      this.discarded.add(chat.id);
      this.changed();
      void this.options.invoke({ _: 'messages.discardEncryption', deleteHistory: false, chatId: chat.id }).catch(() => undefined);
      if (p.reject) p.reject(e);
      else this.emit({ type: 'error', chatId: chat.id, error: e as SecurityError });
    }
  }

  private onEncryptedMessage(m: AnyObject): void {
    if (this.discarded.has(m.chatId)) return;
    const chat = this.chats.get(m.chatId);
    if (!chat) {
      // Before our side finished opening the chat (the peer may write right after accepting, or
      // getDifference may bring the messages before the chat's updateEncryption): kept, bounded. Only for a
      // chat we are opening: a chat accepted on another device (or unknown) can never be read here, and
      // would fill this state (saved with the session) with up to 10,000 ciphertexts per chat.
      if (!this.pending.has(m.chatId) && !this.accepting.has(m.chatId)) return;
      const list = this.early.get(m.chatId) ?? [];
      if (list.length < 10_000) list.push(m);
      this.early.set(m.chatId, list);
      this.changed();
      return;
    }
    this.deliver(chat, m);
    this.changed();
  }

  private deliver(chat: SecretChat, m: AnyObject): void {
    const file = m._ === 'encryptedMessage' && m.file?._ === 'encryptedFile' ? (m.file as SecretFileInfo) : undefined;
    chat.receive(file ? { bytes: m.bytes, file, date: m.date } : { bytes: m.bytes, date: m.date });
  }
}
