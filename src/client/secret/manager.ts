// SecretChats: the client's secret chats over the API. It runs the key exchange (messages.getDhConfig,
// requestEncryption / acceptEncryption, the key_fingerprint compared on both sides), feeds each chat the
// ciphertexts of updateNewEncryptedMessage, and sends what the chats produce with messages.sendEncrypted*,
// one call after another per chat (the server must queue them in seq order).
//
// Wiring: `new SecretChats({ invoke })`, then feed it every update — handleUpdate() takes single updates
// (as TelegramClient's gap-free iterator yields them) and Updates envelopes (as MtprotoClient pushes them).
// Duplicated updateNewEncryptedMessage (same qts) are dropped here; the chats drop replays by seq_no too.
import { SecurityError } from '../../errors.ts';
import { bigintFromBytes } from '../../crypto/bytes.ts';
import { checkSecretDhConfig, createDhHalf, secretDhKey, secretKey, type DhHalf, type DhParams } from '../../crypto/secret/index.ts';
import type { TlRequest } from '../../tl/generated/types.ts';
import { SecretChat, type SecretChatOptions } from './secret-chat.ts';
import type { SecretChatEvent, SecretFileInfo, SecretOutgoing } from './types.ts';

type AnyObject = { _: string; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SecretChatsApi {
  invoke(request: TlRequest): Promise<unknown>;
}

export interface SecretChatsOptions extends SecretChatsApi {
  /** Options for every chat (re-keying thresholds, timers…). */
  chat?: Partial<Omit<SecretChatOptions, 'id' | 'originator' | 'key' | 'dh' | 'send'>>;
  /** How long a qts gap may stay open before getDifference is asked (default 200 ms). */
  gapDelayMs?: number;
  /** Called for a request from another user (encryptedChatRequested); accept with accept(chatId). */
  onRequest?: (request: { chatId: number; adminId: bigint }) => void;
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
  resolve: (chat: SecretChat) => void;
  reject: (e: unknown) => void;
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

  constructor(private readonly options: SecretChatsOptions) {}

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
      if (chat._ === 'encryptedChat') this.onEncryptedChat(chat);
    });
  }

  /** Accepts a chat another user requested (after updateEncryption with encryptedChatRequested). */
  async accept(chatId: number): Promise<SecretChat> {
    const req = this.requested.get(chatId);
    if (!req) throw new SecurityError('encrypted_chat', `no pending request for chat ${chatId}`);
    this.requested.delete(chatId);
    const { dh, random } = await this.dhConfig();
    const half = createDhHalf(dh, random);
    const key = secretKey(secretDhKey(dh, half, req.gA, 'g_a'));
    const peer = { _: 'inputEncryptedChat' as const, chatId, accessHash: req.accessHash as bigint };
    const answer = (await this.options.invoke({ _: 'messages.acceptEncryption', peer, gB: half.publicValue, keyFingerprint: key.fingerprint })) as AnyObject;
    if (answer._ !== 'encryptedChat') throw new SecurityError('encrypted_chat', `unexpected ${answer._}`);
    return this.open(chatId, req.accessHash, false, key.key, dh);
  }

  async discard(chatId: number, deleteHistory = false): Promise<void> {
    this.chats.get(chatId)?.close();
    this.chats.delete(chatId);
    await this.options.invoke({ _: 'messages.discardEncryption', deleteHistory, chatId });
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
    const prev = this.sendQueues.get(out.chatId) ?? Promise.resolve();
    const next = prev.then(() => this.options.invoke(req)).then(
      () => undefined,
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
    switch (chat._) {
      case 'encryptedChatRequested':
        if (this.chats.has(chat.id) || this.requested.has(chat.id)) return;
        this.requested.set(chat.id, chat);
        this.emit({ type: 'requested', chatId: chat.id, adminId: chat.adminId });
        this.options.onRequest?.({ chatId: chat.id, adminId: chat.adminId });
        return;
      case 'encryptedChat':
        return this.onEncryptedChat(chat);
      case 'encryptedChatDiscarded': {
        const p = this.pending.get(chat.id);
        if (p) {
          this.pending.delete(chat.id);
          p.reject(new SecurityError('encrypted_chat', 'the chat was declined'));
        }
        this.chats.get(chat.id)?.close();
        this.chats.delete(chat.id);
        this.requested.delete(chat.id);
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
      p.resolve(this.open(chat.id, p.accessHash, true, key.key, p.dh));
    } catch (e) {
      void this.options.invoke({ _: 'messages.discardEncryption', deleteHistory: false, chatId: chat.id }).catch(() => undefined);
      p.reject(e);
    }
  }

  private onEncryptedMessage(m: AnyObject): void {
    const chat = this.chats.get(m.chatId);
    if (!chat) {
      // Before our side finished opening the chat (the peer may write right after accepting): kept, bounded.
      const list = this.early.get(m.chatId) ?? [];
      if (list.length < 10_000) list.push(m);
      this.early.set(m.chatId, list);
      return;
    }
    this.deliver(chat, m);
  }

  private deliver(chat: SecretChat, m: AnyObject): void {
    const file = m._ === 'encryptedMessage' && m.file?._ === 'encryptedFile' ? (m.file as SecretFileInfo) : undefined;
    chat.receive(file ? { bytes: m.bytes, file, date: m.date } : { bytes: m.bytes, date: m.date });
  }
}
