// One end of a secret chat once its key is established (core.telegram.org/api/end-to-end, /seq_no, /pfs):
// layer negotiation, the seq_no counters, sending and receiving decryptedMessage/decryptedMessageService
// inside decryptedMessageLayer, gaps (held messages + decryptedMessageActionResend), service actions,
// re-keying (RequestKey/AcceptKey/CommitKey/AbortKey/Noop) and encrypted files.
//
// No I/O: ciphertexts go out through `send` (in order; the caller must keep that order on the server) and
// come in through receive(). Every refused message becomes an 'error' event carrying a typed error
// (SecurityError naming the check, or TlError) and the chat goes on; nothing is thrown at the relay.
//
// Decisions where the spec says "abort the chat": a seq_no of the wrong parity, an in_seq_no going backwards
// or naming a message we never sent, a resend we cannot satisfy, a gap wider than maxGap — each is reported
// and the message dropped (its seq_no slot is consumed when the message itself was authentic, so one bad
// message cannot wedge the chat). The application may discard the chat on such an error.
import { SecurityError, TlError, type MtprotoError } from '../../errors.ts';
import { randomBytes } from '../../crypto/bytes.ts';
import {
  createDhHalf, createSecretFileKey, decryptSecretFile, decryptSecretMessage, encryptSecretFile, encryptSecretMessage,
  peekKeyFingerprint, secretDhKey, secretFileFingerprint, secretKey, type DhHalf, type DhParams, type SecretFileKey, type SecretKey,
} from '../../crypto/secret/index.ts';
import { deserializeSecret, serializeSecret, SECRET_LAYER, type Secret } from '../../tl/secret.ts';
import type { SecretChatEvent, SecretChatListener, SecretFileInfo, SecretIncoming, SecretMessage, SecretOutgoing } from './types.ts';

/** The layer a peer is assumed to speak until it says otherwise (spec: initialise to 46). */
export const INITIAL_REMOTE_LAYER = 46;
const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface SecretChatOptions {
  /** The encrypted chat id. */
  id: number;
  /** We created the chat (messages.requestEncryption): our messages use x = 0, our out_seq_no is odd. */
  originator: boolean;
  /** The 256-byte shared key. */
  key: Uint8Array;
  /** DH parameters of the chat (re-keying uses the same p and g). */
  dh: DhParams;
  /** Hands a ciphertext to the relay. Called in seq order; the caller must preserve it. */
  send: (out: SecretOutgoing) => void;
  /** Our layer (default: the newest of the bundled schema). */
  layer?: number;
  /** Re-key after this many messages encrypted plus decrypted with one key (default 100) … */
  rekeyAfterMessages?: number;
  /** … or after this long (default a week), once the key encrypted at least one message. */
  rekeyAfterMs?: number;
  /** Out-of-order messages further ahead than this are refused ('out_seq_no'); default 1000. */
  maxGap?: number;
  /** Sent messages kept for decryptedMessageActionResend (default 2000). */
  historyLimit?: number;
  now?: () => number;
  /** Self-destruct timers (default setTimeout, unref'ed). */
  setTimer?: (ms: number, run: () => void) => () => void;
}

interface ChatKey {
  k: SecretKey;
  uses: number;
  encrypted: number;
  since: number;
}

interface Exchange {
  id: bigint;
  role: 'request' | 'accept';
  half: DhHalf;
  key?: SecretKey;
}

interface Sent {
  layer: Secret.RawDecryptedMessageLayer;
  randomId: bigint;
  service: boolean;
  file?: unknown;
}

interface Held {
  layer: Secret.RawDecryptedMessageLayer;
  file?: SecretFileInfo;
  newKey: boolean;
}

/**
 * Everything a chat needs to go on after a restart (SecretChat.exportState / SecretChat.restore): keys
 * (the old one while a switch completes, a re-key in progress with its secret exponent), seq numbers, the
 * layers, the messages held behind a gap, and the last sent messages (for resend requests). Holds secrets:
 * keep it where the auth key lives.
 */
export interface SecretChatState {
  v: 1;
  id: number;
  originator: boolean;
  layer: number;
  remoteLayer: number;
  ttl: number;
  originalKey: Uint8Array;
  dh: DhParams;
  outSeq: number;
  inSeq: number;
  remoteInSeq: number;
  /** Sent messages by raw seq (serialized decryptedMessageLayer). */
  history: Array<{ seq: number; layer: Uint8Array; randomId: bigint; service: boolean; file?: unknown }>;
  held: Array<{ seq: number; layer: Uint8Array; file?: SecretFileInfo; newKey: boolean }>;
  resendAsked: number[];
  resendsHandled: number[];
  current: { key: Uint8Array; uses: number; encrypted: number; since: number };
  old?: { key: Uint8Array; uses: number; encrypted: number; since: number };
  retireOld?: 'drained' | 'new-key-message';
  sawNewKey: boolean;
  exchange?: { id: bigint; role: 'request' | 'accept'; exponent: bigint; publicValue: Uint8Array; key?: Uint8Array };
  lastSwitch?: bigint;
  outgoingTtl: Array<[bigint, number]>;
  incomingTtl: Array<[bigint, number]>;
  closed: boolean;
}

function defaultTimer(ms: number, run: () => void): () => void {
  const t = setTimeout(run, ms);
  (t as { unref?: () => void }).unref?.();
  return () => clearTimeout(t);
}

function randomLong(): bigint {
  return new DataView(randomBytes(8).buffer).getBigInt64(0, true);
}

export class SecretChat {
  readonly id: number;
  readonly originator: boolean;
  readonly layer: number;
  /** The highest layer the peer announced (46 until it does). */
  remoteLayer = INITIAL_REMOTE_LAYER;
  /** Self-destruct time set for this chat (decryptedMessageActionSetMessageTTL), seconds. */
  ttl = 0;
  /** SHA-1 based key_fingerprint of the key the chat was created with (the visualization uses this key). */
  readonly originalKey: Uint8Array;

  private readonly dh: DhParams;
  private readonly sendOut: (out: SecretOutgoing) => void;
  private readonly rekeyAfterMessages: number;
  private readonly rekeyAfterMs: number;
  private readonly maxGap: number;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly setTimer: (ms: number, run: () => void) => () => void;
  private readonly listeners = new Set<SecretChatListener>();

  /** Parities: ours for out_seq_no (and the peer's in_seq_no), the peer's out_seq_no (and our in_seq_no). */
  private readonly xOut: number;
  private readonly xIn: number;
  /** AES x: 0 for messages from the originator, 8 for the other direction. */
  private readonly xSend: 0 | 8;
  private readonly xRecv: 0 | 8;

  private outSeq = 0;
  private inSeq = 0;
  private remoteInSeq = 0;
  private readonly history = new Map<number, Sent>();
  private readonly held = new Map<number, Held>();
  private readonly resendAsked = new Set<number>();
  private readonly resendsHandled = new Set<number>();

  private current: ChatKey;
  private old: ChatKey | undefined;
  /** When the old key may go: 'drained' (accepter: no gap) or 'new-key-message' (requester: peer used the new key). */
  private retireOld: 'drained' | 'new-key-message' | undefined;
  private sawNewKey = false;
  private exchange: Exchange | undefined;
  private lastSwitch: bigint | undefined;

  private readonly destructAt = new Map<bigint, () => void>();
  private readonly outgoingTtl = new Map<bigint, number>();
  private readonly incomingTtl = new Map<bigint, number>();
  private closed = false;

  constructor(options: SecretChatOptions) {
    this.id = options.id;
    this.originator = options.originator;
    this.dh = options.dh;
    this.sendOut = options.send;
    this.layer = options.layer ?? SECRET_LAYER;
    this.rekeyAfterMessages = options.rekeyAfterMessages ?? 100;
    this.rekeyAfterMs = options.rekeyAfterMs ?? WEEK_MS;
    this.maxGap = options.maxGap ?? 1000;
    this.historyLimit = options.historyLimit ?? 2000;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? defaultTimer;
    this.xOut = this.originator ? 1 : 0;
    this.xIn = this.originator ? 0 : 1;
    this.xSend = this.originator ? 0 : 8;
    this.xRecv = this.originator ? 8 : 0;
    this.current = { k: secretKey(options.key), uses: 0, encrypted: 0, since: this.now() };
    this.originalKey = this.current.k.key;
  }

  /**
   * A chat from exportState() (the options give id, originator, key and dh again only as a cross-check:
   * the state's values win). Self-destruct timers that were running are not restored.
   */
  static restore(state: SecretChatState, options: Omit<SecretChatOptions, 'id' | 'originator' | 'key' | 'dh' | 'layer'>): SecretChat {
    if (state.v !== 1) throw new RangeError(`secret chat state version ${String(state.v)} is not supported`);
    const chat = new SecretChat({ ...options, id: state.id, originator: state.originator, key: state.originalKey, dh: state.dh, layer: state.layer });
    chat.importState(state);
    return chat;
  }

  /** A snapshot of the chat's state (see SecretChatState); `historyLimit` caps the sent messages kept for resends. */
  exportState(historyLimit = this.historyLimit): SecretChatState {
    const key = (k: ChatKey) => ({ key: k.k.key.slice(), uses: k.uses, encrypted: k.encrypted, since: k.since });
    const history: SecretChatState['history'] = [];
    for (let seq = Math.max(0, this.outSeq - historyLimit); seq < this.outSeq; seq++) {
      const sent = this.history.get(seq);
      if (!sent) continue;
      const h: SecretChatState['history'][number] = { seq, layer: serializeSecret(sent.layer), randomId: sent.randomId, service: sent.service };
      if (sent.file !== undefined) h.file = sent.file;
      history.push(h);
    }
    const state: SecretChatState = {
      v: 1, id: this.id, originator: this.originator, layer: this.layer, remoteLayer: this.remoteLayer, ttl: this.ttl,
      originalKey: this.originalKey.slice(), dh: { g: this.dh.g, p: this.dh.p },
      outSeq: this.outSeq, inSeq: this.inSeq, remoteInSeq: this.remoteInSeq, history,
      held: [...this.held].map(([seq, h]) => {
        const o: SecretChatState['held'][number] = { seq, layer: serializeSecret(h.layer), newKey: h.newKey };
        if (h.file !== undefined) o.file = { ...h.file };
        return o;
      }),
      resendAsked: [...this.resendAsked], resendsHandled: [...this.resendsHandled],
      current: key(this.current), sawNewKey: this.sawNewKey,
      outgoingTtl: [...this.outgoingTtl], incomingTtl: [...this.incomingTtl], closed: this.closed,
    };
    if (this.old) state.old = key(this.old);
    if (this.retireOld) state.retireOld = this.retireOld;
    if (this.exchange) {
      const ex = this.exchange;
      state.exchange = { id: ex.id, role: ex.role, exponent: ex.half.exponent, publicValue: ex.half.publicValue.slice() };
      if (ex.key) state.exchange.key = ex.key.key.slice();
    }
    if (this.lastSwitch !== undefined) state.lastSwitch = this.lastSwitch;
    return state;
  }

  private importState(s: SecretChatState): void {
    const layerOf = (bytes: Uint8Array) => {
      const obj = deserializeSecret(bytes);
      if (obj._ !== 'decryptedMessageLayer') throw new RangeError(`secret chat state: ${obj._} where a decryptedMessageLayer was stored`);
      return obj as Secret.RawDecryptedMessageLayer;
    };
    const key = (k: SecretChatState['current']): ChatKey => ({ k: secretKey(k.key), uses: k.uses, encrypted: k.encrypted, since: k.since });
    this.remoteLayer = s.remoteLayer;
    this.ttl = s.ttl;
    this.outSeq = s.outSeq;
    this.inSeq = s.inSeq;
    this.remoteInSeq = s.remoteInSeq;
    for (const h of s.history) {
      const sent: Sent = { layer: layerOf(h.layer), randomId: h.randomId, service: h.service };
      if (h.file !== undefined) sent.file = h.file;
      this.history.set(h.seq, sent);
    }
    for (const h of s.held) this.held.set(h.seq, { layer: layerOf(h.layer), file: h.file, newKey: h.newKey });
    for (const x of s.resendAsked) this.resendAsked.add(x);
    for (const x of s.resendsHandled) this.resendsHandled.add(x);
    this.current = key(s.current);
    this.old = s.old && key(s.old);
    this.retireOld = s.retireOld;
    this.sawNewKey = s.sawNewKey;
    if (s.exchange) {
      const e = s.exchange;
      this.exchange = { id: e.id, role: e.role, half: { exponent: e.exponent, publicValue: e.publicValue }, key: e.key && secretKey(e.key) };
    }
    this.lastSwitch = s.lastSwitch;
    for (const [id, ttl] of s.outgoingTtl) this.outgoingTtl.set(id, ttl);
    for (const [id, ttl] of s.incomingTtl) this.incomingTtl.set(id, ttl);
    this.closed = s.closed;
  }

  /** True once close() ran (the chat was discarded). */
  get isClosed(): boolean {
    return this.closed;
  }

  // ---- observation ----

  on(listener: SecretChatListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SecretChatEvent): void {
    for (const l of this.listeners) l(event);
  }

  private fail(error: MtprotoError): void {
    this.emit({ type: 'error', chatId: this.id, error });
  }

  /** key_fingerprint of the key in use for sending. */
  get keyFingerprint(): bigint {
    return this.current.k.fingerprint;
  }

  /** Raw counters: messages we sent, messages of the peer processed in order, messages held behind a gap. */
  get counters(): { out: number; in: number; held: number; keyUses: number; oldKeyKept: boolean; rekeying: boolean } {
    return { out: this.outSeq, in: this.inSeq, held: this.held.size, keyUses: this.current.uses, oldKeyKept: this.old !== undefined, rekeying: this.exchange !== undefined };
  }

  /** The layer both sides speak. */
  get effectiveLayer(): number {
    return Math.min(this.layer, this.remoteLayer);
  }

  // ---- sending ----

  /** Announces our layer (decryptedMessageActionNotifyLayer); call once the chat is established. */
  start(): void {
    this.sendAction({ _: 'decryptedMessageActionNotifyLayer', layer: this.layer });
  }

  sendText(text: string, opts: { ttl?: number; entities?: Secret.TypeMessageEntity[]; replyToRandomId?: bigint; silent?: boolean } = {}): bigint {
    return this.sendMessage(text, undefined, undefined, opts);
  }

  /**
   * Sends a message with media; `file` (opaque, the InputEncryptedFile) goes outside the ciphertext to
   * messages.sendEncryptedFile.
   */
  sendMessage(text: string, media?: Secret.TypeDecryptedMessageMedia, file?: unknown, opts: { ttl?: number; entities?: Secret.TypeMessageEntity[]; replyToRandomId?: bigint; silent?: boolean } = {}): bigint {
    const randomId = randomLong();
    const ttl = opts.ttl ?? this.ttl;
    const message: SecretMessage =
      this.effectiveLayer >= 73
        ? { _: 'decryptedMessage', silent: opts.silent ?? false, randomId, ttl, message: text, media, entities: opts.entities, viaBotName: undefined, replyToRandomId: opts.replyToRandomId, groupedId: undefined }
        : { _: 'decryptedMessage46', randomId, ttl, message: text, media, entities: opts.entities, viaBotName: undefined, replyToRandomId: opts.replyToRandomId };
    if (ttl > 0) this.outgoingTtl.set(randomId, ttl);
    this.push(message, randomId, false, file);
    return randomId;
  }

  /** Encrypts a file for this chat: upload `encrypted`, then sendFile() with what the upload returned. */
  prepareFile(data: Uint8Array): { encrypted: Uint8Array; fileKey: SecretFileKey; keyFingerprint: number; size: number } {
    const fileKey = createSecretFileKey();
    return { encrypted: encryptSecretFile(data, fileKey), fileKey, keyFingerprint: secretFileFingerprint(fileKey.key, fileKey.iv), size: data.length };
  }

  /** Sends a prepared file as a document; `inputFile` is the uploaded InputEncryptedFile (opaque here). */
  sendFile(prepared: { fileKey: SecretFileKey; size: number }, inputFile: unknown, opts: { mimeType?: string; fileName?: string; caption?: string; ttl?: number } = {}): bigint {
    const attributes: Secret.TypeDocumentAttribute[] = opts.fileName ? [{ _: 'documentAttributeFilename', fileName: opts.fileName }] : [];
    const common = { thumb: new Uint8Array(0), thumbW: 0, thumbH: 0, mimeType: opts.mimeType ?? 'application/octet-stream', key: prepared.fileKey.key, iv: prepared.fileKey.iv, attributes, caption: opts.caption ?? '' };
    const media: Secret.TypeDecryptedMessageMedia =
      this.effectiveLayer >= 143 ? { _: 'decryptedMessageMediaDocument', ...common, size: BigInt(prepared.size) } : { _: 'decryptedMessageMediaDocument46', ...common, size: prepared.size };
    return this.sendMessage('', media, inputFile, { ttl: opts.ttl });
  }

  /**
   * Decrypts a downloaded file of a received message: the fingerprint announced outside (EncryptedFile) must
   * match the key and iv inside the message (SecurityError 'file_key_fingerprint'), the size must fit.
   */
  decryptFile(event: Extract<SecretChatEvent, { type: 'message' }>, encrypted: Uint8Array): Uint8Array {
    const media = event.message.media;
    if (!media || !('key' in media) || !('iv' in media) || !('size' in media)) throw new SecurityError('file', 'the message has no encrypted file');
    if (!event.file) throw new SecurityError('file', 'the message came without an EncryptedFile');
    return decryptSecretFile(encrypted, { key: media.key, iv: media.iv }, Number(media.size), event.file.keyFingerprint);
  }

  /**
   * The relay answered a file message with its EncryptedFile: a resend of that message must name it
   * (`file`, e.g. inputEncryptedFile), since the upload it was sent with is consumed.
   */
  fileSent(randomId: bigint, file: unknown): void {
    for (const sent of this.history.values()) {
      if (sent.randomId === randomId && sent.file !== undefined) {
        sent.file = file;
        return;
      }
    }
  }

  setTtl(seconds: number): void {
    this.ttl = seconds;
    this.sendAction({ _: 'decryptedMessageActionSetMessageTTL', ttlSeconds: seconds });
  }

  sendTyping(action: Secret.TypeSendMessageAction = { _: 'sendMessageTypingAction' }): void {
    this.sendAction({ _: 'decryptedMessageActionTyping', action });
  }

  /** Marks the peer's messages read (decryptedMessageActionReadMessages); their self-destruct timers start. */
  markRead(randomIds: bigint[]): void {
    this.sendAction({ _: 'decryptedMessageActionReadMessages', randomIds });
    this.startDestruct(randomIds, this.incomingTtl);
  }

  deleteMessages(randomIds: bigint[]): void {
    this.sendAction({ _: 'decryptedMessageActionDeleteMessages', randomIds });
  }

  /** Starts re-keying now (it also starts by itself after rekeyAfterMessages / rekeyAfterMs). */
  rekey(): boolean {
    if (this.exchange !== undefined || this.closed) return false;
    const half = createDhHalf(this.dh);
    this.exchange = { id: randomLong(), role: 'request', half };
    this.sendAction({ _: 'decryptedMessageActionRequestKey', exchangeId: this.exchange.id, gA: half.publicValue });
    return true;
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.destructAt.values()) cancel();
    this.destructAt.clear();
  }

  private sendAction(action: Secret.TypeDecryptedMessageAction): bigint {
    const randomId = randomLong();
    this.push({ _: 'decryptedMessageService', randomId, action }, randomId, true);
    return randomId;
  }

  /** Wraps in decryptedMessageLayer with the next seq numbers, remembers it for resends, encrypts, sends. */
  private push(message: Secret.TypeDecryptedMessage, randomId: bigint, service: boolean, file?: unknown): void {
    if (this.closed) throw new Error('the secret chat is closed');
    const layer: Secret.RawDecryptedMessageLayer = {
      _: 'decryptedMessageLayer',
      randomBytes: randomBytes(15 + (randomBytes(1)[0] & 15)),
      layer: this.layer,
      inSeqNo: 2 * this.inSeq + this.xIn,
      outSeqNo: 2 * this.outSeq + this.xOut,
      message,
    };
    const sent: Sent = { layer, randomId, service, file };
    this.history.set(this.outSeq, sent);
    this.history.delete(this.outSeq - this.historyLimit);
    this.outSeq++;
    this.transmit(sent, false);
    this.maybeRekey();
  }

  private transmit(sent: Sent, resend: boolean): void {
    const data = encryptSecretMessage(this.current.k, serializeSecret(sent.layer), this.xSend);
    this.current.uses++;
    this.current.encrypted++;
    // A resend goes out with a fresh outer random_id: the server answers a repeated random_id from its
    // cache without relaying it (that is what random_id is for), so the peer would never get the resend.
    const out: SecretOutgoing = { chatId: this.id, randomId: resend ? randomLong() : sent.randomId, data, service: sent.service, resend };
    if (sent.file !== undefined) out.file = sent.file;
    this.sendOut(out);
  }

  private maybeRekey(): void {
    if (this.exchange !== undefined || this.current.encrypted === 0) return;
    if (this.current.uses >= this.rekeyAfterMessages || this.now() - this.current.since >= this.rekeyAfterMs) this.rekey();
  }

  // ---- receiving ----

  /** Takes one ciphertext of this chat. Refusals become 'error' events; nothing is thrown. */
  receive(incoming: SecretIncoming): void {
    if (this.closed) return;
    const fp = peekKeyFingerprint(incoming.bytes);
    let key: ChatKey | undefined;
    let newKey = false;
    if (fp === this.current.k.fingerprint) {
      key = this.current;
      newKey = this.retireOld === 'new-key-message';
    } else if (this.old !== undefined && fp === this.old.k.fingerprint) key = this.old;
    else if (this.exchange?.role === 'accept' && this.exchange.key !== undefined && this.exchange.key.fingerprint === fp) {
      // The peer committed and already uses the new key (its CommitKey may be lost or held behind a gap).
      this.switchTo(this.exchange.key, this.exchange.id, 'drained');
      key = this.current;
    }
    if (key === undefined) {
      return this.fail(new SecurityError('key_fingerprint', `no key of this chat has fingerprint ${fp ?? '(message too short)'} (an old key after re-keying, or not this chat)`));
    }
    let layer: Secret.TypeDecryptedMessageLayer | Secret.TypeDecryptedMessage;
    try {
      const data = decryptSecretMessage(key.k, incoming.bytes, this.xRecv);
      const obj = deserializeSecret(data);
      if (obj._ !== 'decryptedMessageLayer' && obj._ !== 'decryptedMessageService8') {
        throw new SecurityError('layer', `${obj._} outside decryptedMessageLayer`);
      }
      layer = obj as Secret.TypeDecryptedMessageLayer | Secret.TypeDecryptedMessage;
    } catch (e) {
      if (e instanceof SecurityError || e instanceof TlError) return this.fail(e);
      throw e;
    }
    key.uses++;
    if (layer._ === 'decryptedMessageService8') {
      // Layer 8 form, only for announcing a layer (spec: NotifyLayer "wrapped as if it were decryptedMessageService#aa48327d").
      if (layer.action._ === 'decryptedMessageActionNotifyLayer') this.noteLayer(layer.action.layer);
      else this.fail(new SecurityError('layer', `a layer-8 service message (${layer.action._}) without sequence numbers`));
      return;
    }
    this.accept(layer as Secret.RawDecryptedMessageLayer, incoming.file, newKey);
    this.maybeRekey();
  }

  private accept(layer: Secret.RawDecryptedMessageLayer, file: SecretFileInfo | undefined, newKey: boolean): void {
    if (layer.randomBytes.length < 15) return this.fail(new SecurityError('random_bytes', `${layer.randomBytes.length} random bytes, fewer than 15`));
    if ((layer.outSeqNo & 1) !== this.xIn || (layer.inSeqNo & 1) !== this.xOut || layer.outSeqNo < 0 || layer.inSeqNo < 0) {
      return this.fail(new SecurityError('seq_parity', `in_seq_no ${layer.inSeqNo} / out_seq_no ${layer.outSeqNo} have the parity of our own messages (mirrored?)`));
    }
    const rawOut = (layer.outSeqNo - this.xIn) / 2;
    const rawIn = (layer.inSeqNo - this.xOut) / 2;
    if (rawIn > this.outSeq) {
      return this.fail(new SecurityError('in_seq_no', `in_seq_no says ${rawIn} of our messages were received, we sent ${this.outSeq}`));
    }
    if (rawOut < this.inSeq || this.held.has(rawOut)) {
      return this.fail(new SecurityError('duplicate', `out_seq_no ${layer.outSeqNo} was already received (replay or repeat): dropped`));
    }
    if (rawOut - this.inSeq > this.maxGap) {
      return this.fail(new SecurityError('out_seq_no', `out_seq_no ${layer.outSeqNo} is ${rawOut - this.inSeq} messages ahead (more than ${this.maxGap})`));
    }
    // A resend request is served at once, even from behind a gap (avoids both sides waiting on each other).
    const action = this.actionOf(layer.message);
    if (action?._ === 'decryptedMessageActionResend' && rawOut > this.inSeq) {
      this.resendsHandled.add(rawOut);
      this.serveResend(action);
    }
    if (rawOut > this.inSeq) {
      this.held.set(rawOut, { layer, file, newKey });
      this.askResend(rawOut);
      return;
    }
    this.process(rawOut, layer, file, newKey);
    while (this.held.has(this.inSeq)) {
      const h = this.held.get(this.inSeq)!;
      this.held.delete(this.inSeq);
      this.process(this.inSeq, h.layer, h.file, h.newKey);
    }
    if (this.held.size > 0) this.askResend(Math.min(...this.held.keys()));
    this.maybeRetire();
  }

  /** Requests the missing messages before `upTo` (raw) not already asked for, once per hole. */
  private askResend(upTo: number): void {
    let start = -1;
    let end = -1;
    for (let s = this.inSeq; s < upTo; s++) {
      if (this.held.has(s) || this.resendAsked.has(s)) continue;
      if (start < 0) start = s;
      end = s;
    }
    if (start < 0) return;
    for (let s = start; s <= end; s++) this.resendAsked.add(s);
    this.sendAction({ _: 'decryptedMessageActionResend', startSeqNo: 2 * start + this.xIn, endSeqNo: 2 * end + this.xIn });
  }

  private actionOf(m: Secret.TypeDecryptedMessage): Secret.TypeDecryptedMessageAction | undefined {
    return m._ === 'decryptedMessageService' || m._ === 'decryptedMessageService8' ? m.action : undefined;
  }

  /** One message of the peer, in seq order. */
  private process(raw: number, layer: Secret.RawDecryptedMessageLayer, file: SecretFileInfo | undefined, newKey: boolean): void {
    this.inSeq = raw + 1;
    this.resendAsked.delete(raw);
    if (newKey) this.sawNewKey = true;
    const rawIn = (layer.inSeqNo - this.xOut) / 2;
    if (rawIn < this.remoteInSeq) {
      return this.fail(new SecurityError('in_seq_no', `in_seq_no went back from ${this.remoteInSeq} to ${rawIn}: content dropped`));
    }
    this.remoteInSeq = rawIn;
    this.noteLayer(layer.layer);
    const m = layer.message;
    const action = this.actionOf(m);
    if (action === undefined) {
      const message = m as SecretMessage;
      const ttl = 'ttl' in message ? message.ttl : 0;
      if (ttl > 0) this.incomingTtl.set(message.randomId, ttl);
      const event: SecretChatEvent = { type: 'message', chatId: this.id, randomId: message.randomId, message, seq: raw };
      if (file !== undefined) event.file = file;
      this.emit(event);
      return;
    }
    if (this.resendsHandled.delete(raw)) return; // served when it arrived
    this.onAction(m.randomId, action, raw);
  }

  private noteLayer(layer: number): void {
    if (layer >= INITIAL_REMOTE_LAYER && layer > this.remoteLayer) this.remoteLayer = layer;
    if (layer > this.layer) this.fail(new SecurityError('layer', `the peer speaks layer ${layer}, newer than ours (${this.layer}): update the client`));
  }

  private onAction(randomId: bigint, action: Secret.TypeDecryptedMessageAction, raw: number): void {
    switch (action._) {
      case 'decryptedMessageActionResend':
        return this.serveResend(action);
      case 'decryptedMessageActionRequestKey':
        return this.onRequestKey(action);
      case 'decryptedMessageActionAcceptKey':
        return this.onAcceptKey(action);
      case 'decryptedMessageActionCommitKey':
        return this.onCommitKey(action);
      case 'decryptedMessageActionAbortKey':
        if (this.exchange?.id === action.exchangeId) this.exchange = undefined;
        return;
      case 'decryptedMessageActionNoop':
        return;
      case 'decryptedMessageActionSetMessageTTL':
        this.ttl = action.ttlSeconds;
        break;
      case 'decryptedMessageActionReadMessages':
        this.startDestruct(action.randomIds, this.outgoingTtl);
        break;
      case 'decryptedMessageActionDeleteMessages':
        for (const id of action.randomIds) this.destructAt.get(id)?.();
        break;
    }
    this.emit({ type: 'action', chatId: this.id, randomId, action, seq: raw });
  }

  private serveResend(action: Secret.RawDecryptedMessageActionResend): void {
    const ok = (action.startSeqNo & 1) === this.xOut && (action.endSeqNo & 1) === this.xOut && action.startSeqNo <= action.endSeqNo;
    const start = (action.startSeqNo - this.xOut) / 2;
    const end = (action.endSeqNo - this.xOut) / 2;
    if (!ok || start < 0 || end >= this.outSeq) {
      return this.fail(new SecurityError('resend', `cannot resend ${action.startSeqNo}..${action.endSeqNo}: not messages we sent (${this.outSeq} sent)`));
    }
    for (let s = start; s <= end; s++) {
      const sent = this.history.get(s);
      if (sent === undefined) return this.fail(new SecurityError('resend', `message ${2 * s + this.xOut} is no longer kept for resending`));
      this.transmit(sent, true);
    }
  }

  // ---- re-keying (core.telegram.org/api/end-to-end/pfs) ----

  private onRequestKey(a: Secret.RawDecryptedMessageActionRequestKey): void {
    const mine = this.exchange;
    if (mine !== undefined) {
      if (mine.role === 'request' && mine.key === undefined) {
        // Concurrent requests: the larger exchange_id goes on, the smaller is dropped silently by both.
        if (mine.id > a.exchangeId) return;
        this.exchange = undefined;
        if (mine.id === a.exchangeId) return;
      } else {
        this.sendAction({ _: 'decryptedMessageActionAbortKey', exchangeId: a.exchangeId });
        return;
      }
    }
    const half = createDhHalf(this.dh);
    let key: SecretKey;
    try {
      key = secretKey(secretDhKey(this.dh, half, a.gA, 'g_a'));
    } catch (e) {
      this.sendAction({ _: 'decryptedMessageActionAbortKey', exchangeId: a.exchangeId });
      if (e instanceof SecurityError) return this.fail(e);
      throw e;
    }
    this.exchange = { id: a.exchangeId, role: 'accept', half, key };
    this.sendAction({ _: 'decryptedMessageActionAcceptKey', exchangeId: a.exchangeId, gB: half.publicValue, keyFingerprint: key.fingerprint });
  }

  private onAcceptKey(a: Secret.RawDecryptedMessageActionAcceptKey): void {
    const ex = this.exchange;
    if (ex === undefined || ex.role !== 'request' || ex.id !== a.exchangeId || ex.key !== undefined) {
      return this.fail(new SecurityError('rekey', `AcceptKey for exchange ${a.exchangeId} that we did not request`));
    }
    let key: SecretKey;
    try {
      key = secretKey(secretDhKey(this.dh, ex.half, a.gB, 'g_b'));
      if (key.fingerprint !== a.keyFingerprint) throw new SecurityError('key_fingerprint', 'the new key differs on the two sides');
    } catch (e) {
      this.exchange = undefined;
      this.sendAction({ _: 'decryptedMessageActionAbortKey', exchangeId: a.exchangeId });
      if (e instanceof SecurityError) return this.fail(e);
      throw e;
    }
    // CommitKey still goes under the old key; everything after it under the new one.
    this.sendAction({ _: 'decryptedMessageActionCommitKey', exchangeId: ex.id, keyFingerprint: key.fingerprint });
    this.switchTo(key, ex.id, 'new-key-message');
  }

  private onCommitKey(c: Secret.RawDecryptedMessageActionCommitKey): void {
    if (this.lastSwitch === c.exchangeId && this.exchange === undefined) return; // switched already on a new-key message
    const ex = this.exchange;
    if (ex === undefined || ex.role !== 'accept' || ex.id !== c.exchangeId || ex.key === undefined) {
      return this.fail(new SecurityError('rekey', `CommitKey for exchange ${c.exchangeId} that we did not accept`));
    }
    if (ex.key.fingerprint !== c.keyFingerprint) {
      this.exchange = undefined;
      return this.fail(new SecurityError('key_fingerprint', 'CommitKey names another key than the one we accepted: old key kept'));
    }
    this.switchTo(ex.key, ex.id, 'drained');
    // Lets the requester see the new key in use and drop the old one.
    this.sendAction({ _: 'decryptedMessageActionNoop' });
  }

  private switchTo(key: SecretKey, exchangeId: bigint, retire: 'drained' | 'new-key-message'): void {
    this.old = this.current;
    this.current = { k: key, uses: 0, encrypted: 0, since: this.now() };
    this.retireOld = retire;
    this.sawNewKey = false;
    this.exchange = undefined;
    this.lastSwitch = exchangeId;
    this.emit({ type: 'key', chatId: this.id, fingerprint: key.fingerprint, exchangeId });
  }

  /** Drops the previous key once nothing can still need it (no gap; the requester also waits for a new-key message). */
  private maybeRetire(): void {
    if (this.old === undefined || this.held.size > 0) return;
    if (this.retireOld === 'drained' || (this.retireOld === 'new-key-message' && this.sawNewKey)) {
      this.old.k.key.fill(0);
      this.old = undefined;
      this.retireOld = undefined;
    }
  }

  // ---- self-destruct ----

  private startDestruct(randomIds: bigint[], ttls: Map<bigint, number>): void {
    for (const id of randomIds) {
      const ttl = ttls.get(id);
      if (ttl === undefined || this.destructAt.has(id)) continue;
      ttls.delete(id);
      const cancel = this.setTimer(ttl * 1000, () => {
        this.destructAt.delete(id);
        this.emit({ type: 'expired', chatId: this.id, randomIds: [id] });
      });
      this.destructAt.set(id, () => {
        cancel();
        this.destructAt.delete(id);
      });
    }
  }
}
