// MtprotoClient: a typed RPC client over one MTProto session.
//
//   const client = new MtprotoClient({ host, port, publicKeys: [key] });
//   await client.connect();
//   const config = await client.invoke({ _: 'help.getConfig' });   // typed: TypeConfig
//
// - The auth key comes from storage or is created on first connect (src/session/exchange); the key,
//   salt and clock offset are stored again whenever they change.
// - Calls made in the same tick go out together in one msg_container (with pending acks); at most
//   `maxInFlight` calls are on the wire, the rest wait in a bounded queue.
// - The first API call of a session is wrapped in invokeWithLayer(initConnection(…)).
// - A dropped carrier is reconnected with exponential backoff; every call not yet answered is sent
//   again on the new connection with the same msg_id inside a new container (the server answers a
//   request it already has from its stored answer instead of running it twice), or with a new msg_id
//   when the session changed or the id grew old; only an answer to a call's current msg_id settles it:
//   no call is lost, none is answered twice.
// - HTTP: a request the server ends without data (http_wait timeout, or dropped) makes the client send
//   every unanswered call again the same way, with a new http_wait: no call waits for its timeout.
// - Timeouts: one timer for all calls (src/client/deadlines.ts), not one per call.
// - Service messages are handled as core.telegram.org/mtproto/service_messages* says: bad_server_salt,
//   bad_msg_notification (every code), new_session_created, msgs_ack, future_salts, pong, detailed info.
// - Anything else the server sends is an update: client.updates (async iterator) or client.onUpdate().
//
// Speed (npm run bench -- --filter session: ping round trips/s, our client + our server in one process,
// loopback TCP, shared 2-core machine, medians of 7 rounds, base and this version run back to back):
//   before (a setTimeout, a closure set and a WeakMap entry per call):  1 in flight 3.8k–4.9k/s, 100 in flight 35k–45k/s
//   after (one deadline sweep, captured resolvers, call tag on the promise): 1 in flight 4.5k–4.9k/s, 100 in flight 101k–122k/s
//   a later pair at load average 5.5: before 5.6k/s and 28.4k/s, after 4.7k/s and 75.0k/s (100 in flight: 2.6×).
// The 1-in-flight case is bound by loopback/event-loop latency, not by the client's own work.
import { loadAuthKey, type LoadedAuthKey } from '../crypto/message.ts';
import type { RsaPublicKey } from '../crypto/rsa.ts';
import { CallError, MtprotoError, SecurityError, TlError, TransportError } from '../errors.ts';
import { createAuthKey } from '../session/exchange/client.ts';
import { deserialize, deserializeResult, TL_LAYER } from '../tl/codec.ts';
import type { ResultOf, TlObject, TlRequest } from '../tl/generated/types.ts';
import { connectTransport, type ConnectOptions } from '../transport/connect.ts';
import type { FrameTransport } from '../transport/frame-transport.ts';
import { AckQueue } from '../session/acks.ts';
import { bodyId, openPacket, sealPacket, unpackContainer, type OutgoingMessage } from '../session/envelope.ts';
import { GZIP_PACKED, MAX_CONTAINER_MESSAGES, MAX_IDS_PER_ACK, MSG_CONTAINER, RPC_RESULT } from '../session/ids.ts';
import { MsgIdGenerator, SeqNo, msgIdSeconds, randomLong } from '../session/msg-id.ts';
import { ReceivedMsgIds } from '../session/received-ids.ts';
import { readRpcResult, rpcError } from '../session/rpc.ts';
import { ServerSalts } from '../session/salts.ts';
import { gunzip } from '../tl/binary/gzip.ts';
import { TlReader } from '../tl/binary/reader.ts';
import { MAX_GZIP_OUTPUT } from '../tl/codec/runtime.ts';
import { DeadlineSweep } from './deadlines.ts';
import { MemoryStorage } from './storage/memory.ts';
import type { Storage } from './storage/storage.ts';
import { UpdateStream } from './updates.ts';

export interface MtprotoClientOptions {
  host: string;
  port: number;
  /** Carrier, framing, obfuscation (default: TCP, intermediate, plain). */
  transport?: Omit<ConnectOptions, 'host' | 'port'>;
  /** The server's RSA public keys (for creating an auth key). */
  publicKeys: readonly RsaPublicKey[];
  /** The DC id (default 2). */
  dcId?: number;
  /** Where the auth key, salt and clock offset are kept (default: in memory). */
  storage?: Storage;
  /** Name of this server's entry in storage (default "host:port"). */
  storageName?: string;
  /** initConnection fields. */
  apiId?: number;
  deviceModel?: string;
  systemVersion?: string;
  appVersion?: string;
  langCode?: string;
  /** Calls on the wire at once (default 1024); more wait in a queue of at most `maxQueued` (default 100 000). */
  maxInFlight?: number;
  maxQueued?: number;
  /** Default per-call timeout (default 30 s; 0 = none). */
  timeoutMs?: number;
  /** Reconnection backoff: first delay, cap (defaults 50 ms, 5 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Requests of at least this many bytes are sent gzip_packed when that is shorter (default 1024). */
  gzipMin?: number;
  /** Longest wait before received messages are acknowledged on their own (default 500 ms). */
  ackDelayMs?: number;
  /** Keep-alive: ping_delay_disconnect every this many ms (default 60 s; 0 = off). */
  pingIntervalMs?: number;
  /** HTTP: how long the server may hold a request open (http_wait max_wait, default 25 s). */
  httpWaitMs?: number;
  /** Ask for future salts after connecting (default true). */
  futureSalts?: boolean;
  /** Local clock in ms (default Date.now); tests skew it. */
  now?: () => number;
  /** Diagnostics: ignored messages, transport errors, reconnects. */
  onEvent?: (event: ClientEvent) => void;
}

export type ClientEvent =
  | { type: 'connected'; transport: string; authKeyCreated: boolean }
  | { type: 'disconnected'; error?: Error }
  | { type: 'ignored'; reason: string; msgId?: bigint }
  | { type: 'bad_msg'; code: number; msgId: bigint }
  | { type: 'bad_server_salt'; salt: bigint }
  | { type: 'new_session'; firstMsgId: bigint }
  | { type: 'session_reset'; reason: string };

export interface InvokeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Run after this earlier call (a promise returned by invoke): invokeAfterMsg with its msg_id. */
  after?: Promise<unknown>;
}

/** MTProto service methods: never wrapped in invokeWithLayer/initConnection. */
const SERVICE_METHODS = new Set(['ping', 'ping_delay_disconnect', 'get_future_salts', 'destroy_session', 'rpc_drop_answer', 'msgs_state_req', 'msg_resend_req', 'http_wait']);
/** How many times one call may be sent again before it fails. */
const MAX_RESENDS = 20;
/** Calls per container: room is left for what sendBatch adds (msgs_ack, msg_resend_req, http_wait); large bodies split further on overflow. */
const MAX_BATCH = MAX_CONTAINER_MESSAGES - 3;

interface Call {
  request: TlRequest;
  /** What goes on the wire (the request, or it wrapped). */
  wire: TlRequest;
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** The current msg_id while it is on the wire. */
  msgId?: bigint;
  /** Every msg_id it was ever sent with (invokeAfterMsg of a later call needs the latest). */
  lastMsgId?: bigint;
  /** The seq_no it went out with (kept when sent again with the same msg_id). */
  seqNo?: number;
  /** Send again with the same msg_id and seq_no (inside a new container). */
  keepId?: boolean;
  /** In the outbox. */
  queued?: boolean;
  after?: Call;
  sends: number;
  settled: boolean;
  /** performance.now() ms after which it fails with a timeout (0: never), and the timeout it came from. */
  deadline: number;
  timeoutMs: number;
  /** An internal call (keep-alive, future salts): no promise anyone waits on. */
  internal?: boolean;
  signal?: AbortSignal;
  onAbort?: () => void;
  done?: () => void;
  /** The msg_id of the container it was last sent in (its entry in `containers` goes once all its calls settle). */
  containerId?: bigint;
}

/** The call behind a promise invoke returned (for `after`), kept on the promise itself. */
const CALL = Symbol('mtproto call');
/** Captures a promise's resolve/reject without a closure per call. */
let capturedResolve: (value: unknown) => void;
let capturedReject: (error: Error) => void;
const capture = (resolve: (value: unknown) => void, reject: (error: Error) => void) => {
  capturedResolve = resolve;
  capturedReject = reject;
};
const NO_OPTIONS: InvokeOptions = {};
const noop = () => undefined;
/** A call kept for sending again with its msg_id gets a new one once the id is this old (the server refuses > 300 s). */
const KEEP_ID_MAX_AGE = 240;

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export class MtprotoClient {
  /** Updates pushed by the server. */
  readonly updates = new UpdateStream<TlObject>();
  private readonly options: MtprotoClientOptions;
  private readonly storage: Storage;
  private readonly storageName: string;
  private readonly now: () => number;
  private readonly msgIds: MsgIdGenerator;
  private readonly seqNo = new SeqNo();
  private readonly salts = new ServerSalts();
  private readonly received = new ReceivedMsgIds({ sender: 'server' });
  private readonly acks: AckQueue;
  private sessionId = randomLong();
  private authKey?: LoadedAuthKey;
  private authKeyBytes?: Uint8Array;
  private transport?: FrameTransport;
  private state: State = 'idle';
  private connecting?: Promise<void>;
  private needInit = true;
  private flushScheduled = false;
  private reconnectAttempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private askedSalts = false;
  private saltsPending = false;
  /** Calls on the wire, by their current msg_id. */
  private readonly sent = new Map<bigint, Call>();
  /** Containers we sent, by msg_id: their calls (a bad_msg may name the container). Bounded. */
  private readonly containers = new Map<bigint, Call[]>();
  /** Calls ready to go (not on the wire); `waiting`: over the in-flight limit. */
  private outbox: Call[] = [];
  private readonly waiting: Call[] = [];
  /** msg_ids of server messages to ask again for (msg_resend_req with the next packet). */
  private resendRequests: bigint[] = [];
  private readonly deadlines = new DeadlineSweep((now) => this.sweep(now));
  private admitScheduled = false;
  private connectedBefore = false;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;

  constructor(options: MtprotoClientOptions) {
    this.options = options;
    this.storage = options.storage ?? new MemoryStorage();
    this.storageName = options.storageName ?? `${options.host}:${options.port}`;
    this.now = options.now ?? Date.now;
    this.msgIds = new MsgIdGenerator(this.now);
    this.maxInFlight = options.maxInFlight ?? 1024;
    this.maxQueued = options.maxQueued ?? 100_000;
    this.acks = new AckQueue(() => this.scheduleFlush(), options.ackDelayMs ?? 500);
  }

  /** server_time − local_time in seconds, as last learned. */
  get timeOffset(): number {
    return this.msgIds.timeOffset;
  }

  /** The salt in use. */
  get serverSalt(): bigint {
    return this.salts.current;
  }

  get session(): bigint {
    return this.sessionId;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Calls sent and not yet answered, plus those waiting to be sent. */
  get pendingCalls(): number {
    return this.sent.size + this.outbox.length + this.waiting.length;
  }

  /** Calls `listener` with every update; returns a function that removes it. */
  onUpdate(listener: (update: TlObject) => void): () => void {
    return this.updates.on(listener);
  }

  /** Opens the connection (creating an auth key if storage has none). Idempotent. */
  connect(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new CallError('the client is closed', 'closed'));
    if (this.state === 'connected') return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Calls a method; the promise settles with its typed result or an RpcError / CallError. */
  invoke<R extends TlRequest>(request: R, options: InvokeOptions = NO_OPTIONS): Promise<ResultOf<R>> {
    const promise = new Promise<unknown>(capture);
    const call: Call = { request, wire: request, method: request._, resolve: capturedResolve, reject: capturedReject, sends: 0, settled: false, deadline: 0, timeoutMs: 0 };
    (promise as unknown as Record<symbol, Call>)[CALL] = call;
    if (this.state === 'closed') {
      this.fail(call, new CallError('the client is closed', 'closed'));
      return promise as Promise<ResultOf<R>>;
    }
    if (options.after) call.after = (options.after as unknown as Record<symbol, Call | undefined>)[CALL];
    const signal = options.signal;
    if (signal?.aborted) {
      this.fail(call, new CallError(`${call.method}: aborted`, 'aborted'));
      return promise as Promise<ResultOf<R>>;
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    if (timeoutMs > 0) {
      call.timeoutMs = timeoutMs;
      call.deadline = performance.now() + timeoutMs;
      this.deadlines.arm(call.deadline);
    }
    if (signal) {
      call.signal = signal;
      call.onAbort = () => this.cancel(call, new CallError(`${call.method}: aborted`, 'aborted'));
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    this.enqueue(call);
    if (this.state === 'idle') this.connect().catch(noop);
    return promise as Promise<ResultOf<R>>;
  }

  /** The deadline sweep: fails the calls whose time is up; returns the earliest deadline left. */
  private sweep(now: number): number {
    let next = Infinity;
    const expired: Call[] = [];
    const look = (call: Call) => {
      if (call.settled || call.deadline === 0) return;
      if (call.deadline <= now) expired.push(call);
      else if (call.deadline < next) next = call.deadline;
    };
    for (const call of this.sent.values()) look(call);
    for (const call of this.outbox) look(call);
    for (const call of this.waiting) look(call);
    for (const call of expired) {
      this.cancel(call, new CallError(call.internal ? 'internal call timed out' : `${call.method}: no answer within ${call.timeoutMs} ms`, 'timeout'));
    }
    return next;
  }

  /** Closes the connection for good; every pending call fails with CallError('closed'). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.deadlines.cancel();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    this.acks.cancel();
    const error = new CallError('the client was closed', 'closed');
    for (const call of [...this.sent.values(), ...this.outbox, ...this.waiting]) this.fail(call, error);
    this.sent.clear();
    this.outbox = [];
    this.waiting.length = 0;
    const t = this.transport;
    this.transport = undefined;
    t?.close();
    await this.saveState().catch(() => undefined);
    this.authKey?.dispose();
    this.updates.end();
  }

  /** Test hook: drops the carrier as if the network failed. */
  dropConnection(): void {
    this.transport?.close();
  }

  // ---- connection ----

  private async open(): Promise<void> {
    this.state = this.state === 'idle' ? 'connecting' : this.state;
    let authKeyCreated = false;
    let closedEarly: { error?: Error } | undefined;
    if (!this.authKey) {
      const stored = await this.storage.get(this.storageName);
      if (stored) this.useKey(stored.authKey, stored.salt, stored.timeOffset);
    }
    const transport = await connectTransport({ ...this.options.transport, host: this.options.host, port: this.options.port, dcId: this.options.dcId ?? 2 });
    if (this.state === 'closed') {
      transport.close();
      throw new CallError('the client was closed', 'closed');
    }
    try {
      if (!this.authKey) {
        const key = await createAuthKey(transport, { publicKeys: this.options.publicKeys, dcId: this.options.dcId ?? 2, now: this.now });
        const salt = new DataView(key.serverSalt.buffer, key.serverSalt.byteOffset, 8).getBigInt64(0, true);
        this.useKey(key.authKey, salt, key.timeOffset);
        authKeyCreated = true;
        // The exchange has let go of the transport: a close while the key is being saved must not be
        // lost (else the client would sit 'connected' on a dead connection for ever).
        transport.onClose = (error) => (closedEarly = { error });
        await this.saveState();
      }
    } catch (error) {
      transport.close();
      throw error;
    }
    if ((this.state as State) === 'closed') {
      transport.close();
      throw new CallError('the client was closed', 'closed');
    }
    this.transport = transport;
    transport.onFrame = (frame) => {
      if (frame.type === 'packet' && this.transport === transport) this.receive(frame.payload);
    };
    transport.onClose = (error) => this.onTransportClose(transport, error);
    if (closedEarly) {
      // Closed during the save: reconnect with the new key; queued calls go out on the next connection.
      this.onTransportClose(transport, (closedEarly as { error?: Error }).error);
      return;
    }
    this.state = 'connected';
    this.reconnectAttempt = 0;
    this.event({ type: 'connected', transport: transport.description, authKeyCreated });
    this.startKeepAlive();
    if (!this.askedSalts) this.refreshSalts();
    // Back on a new connection with nothing to send: a ping tells the server where we are (it sends
    // again what we may have missed).
    else if (this.connectedBefore && this.sent.size === 0 && this.outbox.length === 0) this.internalCall({ _: 'ping', pingId: randomLong() });
    this.connectedBefore = true;
    transport.onEmpty = () => this.onHttpEmpty(transport);
    this.scheduleFlush();
  }

  /** Asks for future salts (at most one request at a time). */
  private refreshSalts(): void {
    if (this.options.futureSalts === false || this.saltsPending) return;
    this.askedSalts = true;
    this.saltsPending = true;
    this.internalCall({ _: 'get_future_salts', num: 32 }, () => (this.saltsPending = false));
  }

  private useKey(authKey: Uint8Array, salt: bigint, timeOffset: number): void {
    this.authKey?.dispose();
    this.authKeyBytes = authKey.slice();
    this.authKey = loadAuthKey(authKey);
    this.salts.set(salt);
    this.msgIds.timeOffset = timeOffset;
    this.needInit = true;
  }

  private async saveState(): Promise<void> {
    if (!this.authKeyBytes) return;
    await this.storage.set(this.storageName, {
      dcId: this.options.dcId ?? 2, authKey: this.authKeyBytes, salt: this.salts.current, timeOffset: this.msgIds.timeOffset,
    });
  }

  private persist(): void {
    this.saveState().catch(() => undefined);
  }

  private onTransportClose(transport: FrameTransport, error?: Error): void {
    if (this.transport !== transport) return;
    this.transport = undefined;
    clearInterval(this.pingTimer);
    if (this.state === 'closed') return;
    this.state = 'reconnecting';
    this.event({ type: 'disconnected', error });
    // The server does not know this key (transport error -404 after the key exchange): make a new one.
    if (error instanceof TransportError && error.code === -404 && this.authKey) {
      this.authKey.dispose();
      this.authKey = undefined;
      this.authKeyBytes = undefined;
      Promise.resolve(this.storage.delete(this.storageName)).catch(() => undefined);
      this.resetSession('the server does not know our auth key');
    }
    // Every call on the wire goes out again on the next connection (same msg_ids unless the session changed).
    if (error instanceof TransportError && error.code === -404) this.requeueSent(() => true);
    else this.resendKept([...this.sent.values()]);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed' || this.reconnectTimer) return;
    const min = this.options.reconnectMinMs ?? 50;
    const max = this.options.reconnectMaxMs ?? 5000;
    const delay = Math.min(max, min * 2 ** Math.min(this.reconnectAttempt++, 16)) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => {
        if (this.state !== 'closed') this.scheduleReconnect();
      });
    }, delay);
  }

  private startKeepAlive(): void {
    clearInterval(this.pingTimer);
    const every = this.options.pingIntervalMs ?? 60_000;
    if (every <= 0) return;
    this.pingTimer = setInterval(() => {
      this.internalCall({ _: 'ping_delay_disconnect', pingId: randomLong(), disconnectDelay: Math.ceil((every * 1.25) / 1000) });
    }, every);
    this.pingTimer.unref?.();
  }

  private internalCall(request: TlRequest, done?: () => void): void {
    const call: Call = { request, wire: request, method: request._, resolve: noop, reject: noop, sends: 0, settled: false, internal: true, deadline: performance.now() + 60_000, timeoutMs: 60_000, done };
    this.deadlines.arm(call.deadline);
    call.queued = true;
    this.outbox.push(call);
    this.scheduleFlush();
  }

  // ---- sending ----

  private enqueue(call: Call): void {
    if (this.sent.size + this.outbox.length < this.maxInFlight) {
      call.queued = true;
      this.outbox.push(call);
      this.scheduleFlush();
    } else if (this.waiting.length < this.maxQueued) {
      this.waiting.push(call);
    } else {
      this.fail(call, new CallError(`${call.method}: more than ${this.maxQueued} calls queued`, 'queue_full'));
    }
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.sent.size + this.outbox.length < this.maxInFlight) {
      const call = this.waiting.shift()!;
      if (call.settled) continue;
      call.queued = true;
      this.outbox.push(call);
    }
    if (this.outbox.length > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Sends every ready call and pending ack, in containers of bounded count. */
  private flush(): void {
    const transport = this.transport;
    if (!transport || this.state !== 'connected' || !this.authKey) return;
    const http = transport.description === 'http';
    while (this.outbox.length > 0 || this.acks.size > 0 || this.resendRequests.length > 0) {
      const batch = this.outbox.splice(0, MAX_BATCH);
      try {
        this.sendBatch(transport, batch, http);
      } catch (error) {
        // The transport failed under us: its close handler requeues what was sent.
        if (error instanceof TransportError) return;
        // Anything else must not escape from this microtask: the batch's calls fail with it.
        this.event({ type: 'ignored', reason: `sending failed: ${(error as Error).message}` });
        for (const call of batch) {
          call.queued = false;
          this.fail(call, error as Error);
        }
      }
    }
  }

  private sendBatch(transport: FrameTransport, batch: Call[], http: boolean): void {
    const messages: OutgoingMessage[] = [];
    const calls: Call[] = [];
    const gzipMin = this.options.gzipMin ?? 1024;
    let again = false;
    if (this.acks.size > 0) messages.push({ msgId: this.msgIds.next(), seqNo: this.seqNo.next(false), body: { _: 'msgs_ack', msgIds: this.acks.take() } });
    if (this.resendRequests.length > 0) {
      messages.push({ msgId: this.msgIds.next(), seqNo: this.seqNo.next(false), body: { _: 'msg_resend_req', msgIds: this.resendRequests.splice(0, MAX_IDS_PER_ACK) } });
    }
    for (const call of batch) {
      call.queued = false;
      if (call.settled) continue;
      if (this.needInit && !SERVICE_METHODS.has(call.method)) {
        call.wire = this.wrapInit(call.request);
        this.needInit = false;
      }
      let body: TlRequest = call.wire;
      if (call.after?.lastMsgId !== undefined) body = { _: 'invokeAfterMsg', msgId: call.after.lastMsgId, query: body } as TlRequest;
      let msgId = call.msgId;
      let seqNo = call.seqNo!;
      if (call.keepId && msgId !== undefined && msgIdSeconds(msgId) > this.msgIds.serverNow() / 1000 - KEEP_ID_MAX_AGE) {
        again = true; // the same message again: the server answers it from what it has
      } else {
        if (msgId !== undefined) this.sent.delete(msgId);
        msgId = this.msgIds.next();
        seqNo = this.seqNo.next(true);
        call.msgId = msgId;
        call.seqNo = seqNo;
        call.lastMsgId = msgId;
        this.sent.set(msgId, call);
      }
      call.keepId = false;
      call.sends++;
      calls.push(call);
      messages.push({ msgId, seqNo, body, gzipMin });
    }
    if (http) messages.push({ msgId: this.msgIds.next(), seqNo: this.seqNo.next(false), body: { _: 'http_wait', maxDelay: 0, waitAfter: 0, maxWait: this.options.httpWaitMs ?? 25_000 } });
    if (messages.length === 0) return;
    const container = messages.length > 1 || again ? { msgId: this.msgIds.next(), seqNo: this.seqNo.next(false) } : undefined;
    let packet: Uint8Array;
    try {
      packet = sealPacket({ key: this.authKey!, x: 0, salt: this.salts.pick(this.msgIds.serverNow() / 1000), sessionId: this.sessionId }, messages, container);
    } catch (error) {
      // Too big for one packet (or a request that cannot be serialized): undo, then split or fail.
      for (const call of calls) {
        this.sent.delete(call.msgId!);
        call.msgId = undefined;
        call.sends--;
      }
      if (!(error instanceof TlError)) throw error;
      if (calls.length > 1) {
        const half = calls.length >> 1;
        this.sendBatch(transport, calls.slice(0, half), http);
        this.sendBatch(transport, calls.slice(half), http);
      } else if (calls.length === 1) {
        this.fail(calls[0], error);
      }
      return;
    }
    if (container) this.rememberContainer(container.msgId, calls);
    else for (const call of calls) call.containerId = undefined;
    transport.send(http ? packet.slice() : packet);
  }

  private wrapInit(request: TlRequest): TlRequest {
    const o = this.options;
    return {
      _: 'invokeWithLayer',
      layer: TL_LAYER,
      query: {
        _: 'initConnection',
        apiId: o.apiId ?? 0,
        deviceModel: o.deviceModel ?? 'mtproto-wasm',
        systemVersion: o.systemVersion ?? (typeof process !== 'undefined' ? `${process.platform} ${process.version}` : 'js'),
        appVersion: o.appVersion ?? '0.1.0',
        systemLangCode: o.langCode ?? 'en',
        langPack: '',
        langCode: o.langCode ?? 'en',
        query: request,
      },
    } as TlRequest;
  }

  private rememberContainer(msgId: bigint, calls: Call[]): void {
    this.containers.set(msgId, calls);
    for (const call of calls) call.containerId = msgId;
    if (this.containers.size > 4096) {
      const oldest = this.containers.keys().next().value as bigint;
      this.containers.delete(oldest);
    }
  }

  /** Takes calls off the wire (those matching `which`) and queues them to be sent again with new msg_ids. */
  private requeueSent(which: (call: Call) => boolean): void {
    const again: Call[] = [];
    for (const [msgId, call] of this.sent) {
      if (!which(call)) continue;
      this.sent.delete(msgId);
      call.msgId = undefined;
      again.push(call);
    }
    this.resend(again);
  }

  private resend(calls: Call[]): void {
    this.queueAgain(calls, false);
  }

  /** Queues calls to go out again with the same msg_id and seq_no (the server may have them already). */
  private resendKept(calls: Call[]): void {
    this.queueAgain(calls, true);
  }

  private queueAgain(calls: Call[], keepId: boolean): void {
    const again = calls.filter((call) => {
      if (call.settled) return false;
      if (!keepId) {
        if (call.msgId !== undefined) this.sent.delete(call.msgId);
        call.msgId = undefined;
      }
      call.keepId = keepId;
      if (call.sends >= MAX_RESENDS) {
        this.fail(call, new CallError(`${call.method}: sent ${call.sends} times without an answer`, 'resend_limit'));
        return false;
      }
      if (call.queued) return false; // already in the outbox: goes out as marked
      call.queued = true;
      return true;
    });
    if (again.length === 0) return;
    this.outbox = [...again, ...this.outbox];
    this.scheduleFlush();
  }

  /** HTTP: a request ended without data. Whatever it carried may be lost: send every unanswered call again (same msg_ids), which polls again too. */
  private onHttpEmpty(transport: FrameTransport): void {
    if (this.transport !== transport || this.state !== 'connected') return;
    if (this.sent.size > 0) this.resendKept([...this.sent.values()]);
  }

  /** The calls a msg_id of ours stands for: a call, or every call of a container. */
  private callsFor(msgId: bigint): Call[] | undefined {
    const call = this.sent.get(msgId);
    if (call) return [call];
    return this.containers.get(msgId);
  }

  private resetSession(reason: string): void {
    this.sessionId = randomLong();
    this.seqNo.reset();
    this.received.clear();
    this.containers.clear();
    this.needInit = true;
    this.event({ type: 'session_reset', reason });
  }

  // ---- settling calls ----

  private settle(call: Call): boolean {
    if (call.settled) return false;
    call.settled = true;
    if (call.msgId !== undefined) this.sent.delete(call.msgId);
    // A container whose calls have all settled is never needed again (else 4096 containers of up to
    // MAX_BATCH calls each, with their requests and promises, stayed reachable: ~1 KB per call).
    if (call.containerId !== undefined) {
      const group = this.containers.get(call.containerId);
      if (group && group.every((c) => c.settled)) this.containers.delete(call.containerId);
    }
    if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
    call.done?.();
    if (this.waiting.length > 0 && !this.admitScheduled) {
      this.admitScheduled = true;
      queueMicrotask(this.admitLater);
    }
    return true;
  }

  private readonly admitLater = (): void => {
    this.admitScheduled = false;
    this.admitWaiting();
  };

  private fail(call: Call, error: Error): void {
    if (this.settle(call)) call.reject(error);
  }

  private succeed(call: Call, value: unknown): void {
    if (this.settle(call)) call.resolve(value);
  }

  /** Timeout or abort: forget the call; if the server may be running it, ask it to drop the answer. */
  private cancel(call: Call, error: Error): void {
    if (call.settled) return;
    const msgId = call.msgId;
    this.outbox = this.outbox.filter((c) => c !== call);
    this.fail(call, error);
    if (msgId !== undefined && this.state === 'connected') this.internalCall({ _: 'rpc_drop_answer', reqMsgId: msgId });
  }

  // ---- receiving ----

  private event(e: ClientEvent): void {
    this.options.onEvent?.(e);
  }

  private receive(payload: Uint8Array): void {
    if (!this.authKey) return;
    let packet;
    try {
      packet = openPacket(this.authKey, 8, this.sessionId, payload);
    } catch (error) {
      // Invalid packets are dropped whole; nothing in them is used (security guidelines).
      this.event({ type: 'ignored', reason: error instanceof SecurityError ? `packet: ${error.check}` : `packet: ${(error as Error).message}` });
      return;
    }
    try {
      this.handleMessage(packet.msgId, packet.seqNo, packet.body, true);
    } catch (error) {
      if (!(error instanceof MtprotoError)) throw error;
      this.event({ type: 'ignored', reason: `malformed message: ${error.message}`, msgId: packet.msgId });
    }
    // HTTP: keep a request open while answers are pending, so the server has something to answer on.
    if (this.transport?.description === 'http' && this.sent.size > 0) this.poll();
  }

  /** HTTP only: an http_wait on its own, for the server to hold until it has something for us. */
  private poll(): void {
    const transport = this.transport;
    if (!transport || !this.authKey) return;
    queueMicrotask(() => {
      if (this.transport !== transport || this.outbox.length > 0 || this.flushScheduled) return;
      try {
        this.sendBatch(transport, [], true);
      } catch {
        // closed: the close handler takes over
      }
    });
  }

  /** Applies the msg_id checks; bad_msg/bad_server_salt about our own recent messages pass even with a bad time. */
  private acceptMsgId(msgId: bigint, seqNo: number, body: Uint8Array): boolean {
    const verdict = this.received.peek(msgId, this.msgIds.serverNow() / 1000);
    if (verdict === 'ok') {
      this.received.remember(msgId);
      return true;
    }
    // A copy of a message we have: the server did not get our ack; acknowledge it again.
    if (verdict === 'duplicate' && seqNo & 1) this.acks.push(msgId);
    if (verdict === 'too_old' || verdict === 'too_new') {
      // Exceptions: bad_msg_notification / bad_server_salt about our own recent message (they carry the
      // time correction), and a container, whose items are then judged one by one.
      if (this.isTimeCorrection(body) || bodyId(body) === MSG_CONTAINER) {
        this.received.remember(msgId);
        return true;
      }
    }
    this.event({ type: 'ignored', reason: `msg_id ${verdict}`, msgId });
    return false;
  }

  private isTimeCorrection(body: Uint8Array): boolean {
    const id = bodyId(body);
    if (id !== 0xa7eff811 && id !== 0xedab447b) return false;
    const badMsgId = new TlReader(body, 4).long();
    return this.callsFor(badMsgId) !== undefined;
  }

  private handleMessage(msgId: bigint, seqNo: number, body: Uint8Array, top: boolean): void {
    if (!this.acceptMsgId(msgId, seqNo, body)) return;
    if (seqNo & 1) this.acks.push(msgId);
    this.dispatch(msgId, body, top);
  }

  private dispatch(msgId: bigint, body: Uint8Array, top: boolean): void {
    switch (bodyId(body)) {
      case MSG_CONTAINER: {
        if (!top) throw new TlError('nested container', 'msg_container');
        for (const item of unpackContainer(body, msgId)) {
          try {
            this.handleMessage(item.msgId, item.seqNo, item.body, false);
          } catch (error) {
            if (!(error instanceof MtprotoError)) throw error;
            this.event({ type: 'ignored', reason: `malformed message: ${error.message}`, msgId: item.msgId });
          }
        }
        return;
      }
      case RPC_RESULT:
        return this.handleRpcResult(readRpcResult(body));
      case GZIP_PACKED:
        return this.dispatch(msgId, gunzip(new TlReader(body, 4).bytes(), MAX_GZIP_OUTPUT), false);
      default:
        return this.handleObject(msgId, deserialize(body) as TlObject);
    }
  }

  private handleRpcResult(r: ReturnType<typeof readRpcResult>): void {
    const call = this.sent.get(r.reqMsgId);
    if (!call) return; // an answer to a msg_id we no longer wait on (resent, cancelled): ignored
    if (r.error) return this.fail(call, rpcError(r.error, call.method));
    let value: unknown;
    try {
      value = deserializeResult(call.wire, r.result!);
    } catch (error) {
      return this.fail(call, error as Error);
    }
    this.succeed(call, value);
  }

  private handleObject(msgId: bigint, o: TlObject): void {
    switch (o._) {
      case 'pong': {
        const call = this.sent.get(o.msgId);
        if (call) this.succeed(call, o);
        return;
      }
      case 'future_salts': {
        // Only the answer to our own get_future_salts may change the salts we use.
        const call = this.sent.get(o.reqMsgId);
        if (call?.method !== 'get_future_salts') return this.event({ type: 'ignored', reason: 'future_salts we did not ask for', msgId });
        this.salts.addFuture(o.salts);
        this.succeed(call, o);
        return;
      }
      case 'bad_server_salt': {
        const calls = this.callsFor(o.badMsgId);
        if (!calls) return this.event({ type: 'ignored', reason: 'bad_server_salt about a message we did not send', msgId });
        this.salts.set(o.newServerSalt);
        this.event({ type: 'bad_server_salt', salt: o.newServerSalt });
        this.persist();
        this.refreshSalts();
        return this.resend(calls);
      }
      case 'bad_msg_notification':
        return this.handleBadMsg(msgId, o.badMsgId, o.errorCode);
      case 'new_session_created': {
        this.salts.set(o.serverSalt);
        this.event({ type: 'new_session', firstMsgId: o.firstMsgId });
        this.persist();
        // Messages sent before first_msg_id may never have reached this session. first_msg_id may be
        // the id of the container the first packet was (its items have lower ids): judge a call by
        // the container it last went out in, as tdlib does, else those items would run twice.
        this.requeueSent((call) => (call.containerId ?? call.msgId!) < o.firstMsgId);
        return;
      }
      case 'msgs_state_info': {
        const call = this.sent.get(o.reqMsgId);
        if (call) this.succeed(call, o);
        return;
      }
      case 'msgs_ack':
      case 'msgs_all_info':
        return;
      case 'msg_detailed_info':
      case 'msg_new_detailed_info': {
        // The answer exists: ask for it if we still wait for it (or never got it), else acknowledge it.
        const waiting = o._ === 'msg_detailed_info' ? this.sent.has(o.msgId) : this.received.peek(o.answerMsgId, this.msgIds.serverNow() / 1000) !== 'duplicate';
        if (waiting) {
          this.resendRequests.push(o.answerMsgId);
          this.scheduleFlush();
        } else this.acks.push(o.answerMsgId);
        return;
      }
      case 'destroy_session_ok':
      case 'destroy_session_none':
        return;
      default:
        this.updates.push(o);
    }
  }

  private handleBadMsg(msgId: bigint, badMsgId: bigint, code: number): void {
    const calls = this.callsFor(badMsgId);
    if (!calls) return this.event({ type: 'ignored', reason: `bad_msg_notification ${code} about a message we did not send`, msgId });
    this.event({ type: 'bad_msg', code, msgId: badMsgId });
    switch (code) {
      case 16: // msg_id too low: our clock is behind the server's
      case 17: // msg_id too high: ahead
        this.msgIds.syncFrom(msgId);
        this.persist();
        if (this.msgIds.behindLast()) {
          // Going on would mean either msg_ids that decrease or ones still too high: a new session
          // (as tdlib does), and every pending call sent again in it.
          this.msgIds.reset();
          this.resetSession(`bad_msg_notification ${code}: clock moved back`);
          return this.requeueSent(() => true);
        }
        return this.resend(calls);
      case 32: // seqno too low
      case 33: // seqno too high: the session's numbering is broken; start a new session
        this.resetSession(`bad_msg_notification ${code}`);
        return this.requeueSent(() => true);
      case 48: // wrong salt (normally bad_server_salt): get fresh salts, then send again
        this.refreshSalts();
        return this.resend(calls);
      case 18: // msg_id low bits wrong
      case 19: // container msg_id reused
      case 20: // too old: the server cannot tell whether it got it
      case 34: // even seqno expected
      case 35: // odd seqno expected
      case 64: // invalid container
      default:
        // A new msg_id and seq_no fix every one of these (the generator never repeats nor breaks them).
        return this.resend(calls);
    }
  }
}
