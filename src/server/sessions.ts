// The server's session layer: encrypted packets from the handshake service's onEncrypted hook, sorted
// into sessions by auth key and session_id, checked (msg_id, seq_no parity, salt), answered.
//
// - Sessions are created on the first message (new_session_created with a fresh unique_id and the
//   current salt); they outlive connections: answers go out on the session's latest connection, or wait
//   for the next one (HTTP: for the next request; requests carrying http_wait are held until there is
//   something to say or max_wait passes).
// - Every content-related message is kept until the client acknowledges it (src/server/sent-messages.ts):
//   sent again, with its msg_id, inside a new container, on msg_resend_req and when the client comes back
//   on a new connection; a request received again (same msg_id) is answered from the stored answer (small:
//   the answer itself; large or already acknowledged: msg_detailed_info), or not at all while it runs.
// - Service answers: a bare ping or get_future_salts (how mtcute, GramJS, TDLib send their own keep-alive
//   pings and salt requests) gets pong / future_salts as a message of its own carrying the request's
//   msg_id, not in rpc_result (mtcute's _onPong and _onFutureSalts only accept them so); one that came as an
//   RPC query inside an API wrapper (invokeWithLayer, initConnection, invokeWithoutUpdates…: mtcute's
//   call({_: 'mt_ping'}) does this) gets rpc_result, the only answer that settles such a call in mtcute
//   0.30.3 (GramJS and our client accept either); msgs_state_info for msgs_state_req and
//   msg_resend_req (ids it no longer has); rpc_result for destroy_session and rpc_drop_answer;
//   bad_server_salt and bad_msg_notification (16, 17, 18, 19, 20, 32, 33, 34, 35, 64) for bad messages,
//   which are otherwise ignored.
// - invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg(s) are unwrapped (the layer and
//   client info are kept per session; invokeAfterMsg waits for the named call if it is still running).
// - Layers: every session speaks the API layer it last announced with invokeWithLayer (none: the newest).
//   A request is read in that layer (invokeWithLayer(N, q): q in layer N, and N from then on) and lifted
//   into the newest layer's objects, which the methods handle; every answer and push is written in the
//   session's layer as it was when it was queued (src/tl/layers/: old forms derived by name; an unknown
//   layer gets the nearest lower one held, a layer below the oldest the oldest). The newest layer stays on
//   the generated codec. A request the session's layer cannot read (a constructor of another layer) gets
//   rpc_error 400; an answer it cannot express gets rpc_error 500 (a push that cannot be expressed is dropped).
// - API methods come from a registry; an unknown one gets rpc_error 400 METHOD_NOT_IMPLEMENTED, a method
//   that throws something other than an RpcError gets 500 INTERNAL.
import { loadAuthKey, type LoadedAuthKey } from '../crypto/message.ts';
import { RpcError, TlError } from '../errors.ts';
import type { CreatedAuthKey } from '../session/exchange/server.ts';
import { bodyId, maxPacketBody, openPacketAnySession, sealPacket, unpackContainer, type OutgoingMessage } from '../session/envelope.ts';
import { GZIP_PACKED, MAX_CONTAINER_MESSAGES, MSG_CONTAINER, MSGS_ACK, RPC_RESULT } from '../session/ids.ts';
import { MsgIdGenerator, SeqNo, randomLong } from '../session/msg-id.ts';
import { ReceivedMsgIds, type MsgIdVerdict } from '../session/received-ids.ts';
import { SeqNoHistory } from '../session/seqno-history.ts';
import { gunzip } from '../tl/binary/gzip.ts';
import { TlReader } from '../tl/binary/reader.ts';
import { BOOL_FALSE, BOOL_TRUE } from '../tl/binary/writer.ts';
import { deserialize, serialize } from '../tl/codec.ts';
import { MAX_GZIP_OUTPUT } from '../tl/codec/runtime.ts';
import { codecForLayer, type LayerCodec } from '../tl/layers/index.ts';
import type { TlObject, TlRequest } from '../tl/generated/types.ts';
import type { ServerConnection } from './listener.ts';
import type { MethodContext, MethodHandler } from './methods.ts';
import { SaltSchedule } from './salt-schedule.ts';
import { bodySize, SentMessages, type Queued } from './sent-messages.ts';

/** Test hooks: make the server misbehave on purpose. */
export interface SessionHooks {
  /** Called for every message before it is handled; a code makes the server answer bad_msg_notification with it instead. */
  badMsg?(message: { msgId: bigint; seqNo: number; body: Uint8Array; session: ServerSession }): number | undefined;
  /** Probability (0..1) of closing the connection when a packet arrives: half before handling it, half after handling but before answering. */
  dropRate?: number;
  random?: () => number;
  /** True: the packet about to be sent is lost on the way and the connection closes (a packet in flight when it dropped). */
  loseSent?(session: ServerSession): boolean;
}

export interface SessionManagerOptions {
  host: string;
  port: number;
  dcId: number;
  methods: Map<string, MethodHandler>;
  now?: () => number;
  hooks?: SessionHooks;
  /** Results of at least this many bytes go out gzip_packed (default 1024). */
  gzipMin?: number;
  /** Most sessions remembered; the least recently used are forgotten (default 10 000). */
  maxSessions?: number;
  /** A request received again whose answer is at least this long gets msg_detailed_info instead of the answer (default 1024). */
  detailedInfoMin?: number;
  /** Most sessions per auth key; a key's least recently used session is forgotten first (default 64). */
  maxSessionsPerKey?: number;
  /** Bytes of unacknowledged messages a session keeps; over it the oldest are dropped (default 4 MiB). */
  maxUnackedBytes?: number;
  /** Most messages waiting in a session's outbox; over it the oldest are dropped (default 10 000). */
  maxOutbox?: number;
}

interface ServerKey {
  id: string;
  key: LoadedAuthKey;
  /** The handshake's salt, accepted for the first 30 minutes. */
  firstSalt: bigint;
  firstSaltUntil: number;
  /** This key's sessions, least recently used first. */
  sessions: Map<bigint, ServerSession>;
}

interface Held {
  connection: ServerConnection;
  timer: ReturnType<typeof setTimeout>;
}

export class ServerSession {
  readonly msgIds: MsgIdGenerator;
  readonly seqNo = new SeqNo();
  readonly received = new ReceivedMsgIds({ sender: 'client' });
  readonly seqNos = new SeqNoHistory();
  /** Content-related messages until acknowledged, and answers by request. */
  readonly sent: SentMessages;
  outbox: Queued[] = [];
  connection?: ServerConnection;
  held: Held[] = [];
  /** The layer announced with invokeWithLayer (as sent; the codec is that of the nearest held layer). */
  layer?: number;
  /** The codec of the session's layer; undefined: the newest layer (the generated codec). */
  codec?: LayerCodec;
  /** The fields of the last initConnection. */
  client?: {
    apiId: number; deviceModel: string; systemVersion: string; appVersion: string; langCode: string;
    systemLangCode?: string; langPack?: string;
  };
  /** Calls still running (async handlers), for invokeAfterMsg and rpc_drop_answer. */
  readonly running = new Map<bigint, Promise<unknown>>();
  lastSalt = 0n;
  disconnectTimer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly key: ServerKey,
    readonly sessionId: bigint,
    now: () => number,
    maxUnackedBytes = 4 << 20,
    private readonly maxOutbox = 10_000,
  ) {
    this.msgIds = new MsgIdGenerator(now, true);
    this.sent = new SentMessages(10_000, 4096, maxUnackedBytes);
  }

  get authKeyId(): string {
    return this.key.id;
  }

  /** The layer this session speaks from now on (any number: the nearest held layer serves it). */
  setLayer(layer: number): void {
    this.layer = layer;
    this.codec = codecForLayer(layer);
  }

  /** Queues an update (server-initiated message) for this session. */
  push(update: TlObject): void {
    this.enqueue({ body: update, content: true, kind: 'push', queued: true, codec: this.codec });
  }

  /** Adds to the outbox; a peer that never reads it loses the oldest messages, not the server's memory. */
  enqueue(q: Queued): void {
    this.outbox.push(q);
    if (this.outbox.length > this.maxOutbox) {
      for (const dropped of this.outbox.splice(0, this.outbox.length - this.maxOutbox)) dropped.queued = false;
    }
  }

  /** Queues stored messages to go out again (with their msg_ids), before anything new. */
  resend(messages: Queued[]): void {
    if (messages.length) this.outbox = [...messages, ...this.outbox];
  }
}

const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export class SessionManager {
  readonly salts: SaltSchedule;
  private readonly keys = new Map<string, ServerKey>();
  private readonly sessions = new Map<string, ServerSession>();
  private readonly now: () => number;
  private readonly gzipMin: number;

  constructor(private readonly options: SessionManagerOptions) {
    this.now = options.now ?? Date.now;
    this.salts = new SaltSchedule(() => this.now() / 1000);
    this.gzipMin = options.gzipMin ?? 1024;
  }

  /** Registers an auth key made by the AuthKeyServer (its onAuthKey hook). */
  addKey(created: CreatedAuthKey): void {
    const id = hexOf(created.authKeyId);
    const old = this.keys.get(id);
    old?.key.dispose();
    this.keys.set(id, {
      sessions: old?.sessions ?? new Map(),
      id,
      key: loadAuthKey(created.authKey),
      firstSalt: new DataView(created.serverSalt.buffer, created.serverSalt.byteOffset, 8).getBigInt64(0, true),
      firstSaltUntil: this.now() / 1000 + 1800,
    });
  }

  hasKey(authKeyId: Uint8Array): boolean {
    return this.keys.has(hexOf(authKeyId));
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  allSessions(): IterableIterator<ServerSession> {
    return this.sessions.values();
  }

  /** Queues `update` for every session (or those `filter` picks) and sends it where a connection is open. */
  push(update: TlObject, filter?: (session: ServerSession) => boolean): number {
    let n = 0;
    for (const session of this.sessions.values()) {
      if (filter && !filter(session)) continue;
      session.push(update);
      try {
        this.flush(session);
      } catch {
        // Never fails for one session's sake: what is not sent stays queued.
      }
      n++;
    }
    return n;
  }

  /** Closes every live connection (test hook: the network failed). */
  dropConnections(): void {
    for (const session of this.sessions.values()) {
      session.connection?.close();
      session.connection = undefined;
    }
  }

  close(): void {
    for (const session of this.sessions.values()) this.forget(session);
    for (const key of this.keys.values()) key.key.dispose();
    this.keys.clear();
  }

  /** The onEncrypted hook of the handshake service. Throws on packets that fail a check (the service closes the connection). */
  handle = (payload: Uint8Array, connection: ServerConnection): void => {
    const key = this.keys.get(hexOf(payload.subarray(0, 8)));
    if (!key) {
      connection.sendErrorAndClose(-404); // unknown auth key: the client must make a new one
      return;
    }
    const hooks = this.options.hooks;
    const roll = hooks?.dropRate ? (hooks.random ?? Math.random)() : 1;
    if (roll < (hooks?.dropRate ?? 0) / 2) return connection.close();

    const packet = openPacketAnySession(key.key, payload);
    // A session is made, and moved to this connection, only for a packet that passed every check: a
    // replayed or stale packet (on any connection) changes nothing but gets its answer where it came from.
    const existing = this.lookup(key, packet.sessionId);
    const session = existing ?? new ServerSession(key, packet.sessionId, this.now, this.options.maxUnackedBytes, this.options.maxOutbox);
    session.lastSalt = this.salts.current;
    const request: RequestState = { httpWait: undefined };
    let accepted = false;

    if (this.checkMessage(session, packet.msgId, packet.seqNo, packet.body, true)) {
      if (!this.saltAccepted(key, packet.salt)) {
        this.queue(session, { body: { _: 'bad_server_salt', badMsgId: packet.msgId, badMsgSeqno: packet.seqNo, errorCode: 48, newServerSalt: this.salts.current }, content: false, kind: 'response' });
      } else {
        accepted = true;
        if (!existing) this.register(session, firstMsgIdOf(packet));
        if (connection.description !== 'http' && session.connection !== connection) {
          // The client is back on a new connection: what it may not have received goes out again.
          session.connection = connection;
          session.resend(session.sent.takeForResend());
        }
        session.received.remember(packet.msgId);
        session.seqNos.record(packet.msgId, packet.seqNo);
        this.handleMessage(session, packet.msgId, packet.seqNo, packet.body, true, request);
      }
    }
    if (roll < (hooks?.dropRate ?? 0)) return connection.close(); // handled, but the answers wait for the next connection

    if (connection.description === 'http') this.answerHttp(session, connection, request.httpWait);
    else if (accepted) this.flush(session);
    else if (session.outbox.length > 0) this.sendOn(session, connection); // the rejection goes back where it came from
  };

  /** The session by key and id, marked most recently used. */
  private lookup(key: ServerKey, sessionId: bigint): ServerSession | undefined {
    const name = `${key.id}:${sessionId}`;
    const session = this.sessions.get(name);
    if (session) {
      // Most recently used last, so eviction takes the oldest.
      this.sessions.delete(name);
      this.sessions.set(name, session);
      key.sessions.delete(sessionId);
      key.sessions.set(sessionId, session);
    }
    return session;
  }

  /** Keeps a new session (forgetting the least recently used over the caps) and tells the client it is new. */
  private register(session: ServerSession, firstMsgId: bigint): void {
    const key = session.key;
    // One key cannot push other clients' sessions out of the global LRU: its own oldest goes first.
    if (key.sessions.size >= (this.options.maxSessionsPerKey ?? 64)) this.forget(key.sessions.values().next().value as ServerSession);
    this.sessions.set(`${key.id}:${session.sessionId}`, session);
    key.sessions.set(session.sessionId, session);
    if (this.sessions.size > (this.options.maxSessions ?? 10_000)) {
      const oldest = this.sessions.values().next().value as ServerSession;
      this.forget(oldest);
    }
    this.queue(session, { body: { _: 'new_session_created', firstMsgId, uniqueId: randomLong(), serverSalt: this.salts.current }, content: true, kind: 'push' });
  }

  private forget(session: ServerSession): void {
    this.sessions.delete(`${session.key.id}:${session.sessionId}`);
    if (session.key.sessions.get(session.sessionId) === session) session.key.sessions.delete(session.sessionId);
    clearTimeout(session.disconnectTimer);
    for (const h of session.held) {
      clearTimeout(h.timer);
      h.connection.close();
    }
    session.held = [];
  }

  private saltAccepted(key: ServerKey, salt: bigint): boolean {
    if (this.salts.accepts(salt)) return true;
    return salt === key.firstSalt && this.now() / 1000 < key.firstSaltUntil;
  }

  /** msg_id and seq_no checks; a bad message is answered with bad_msg_notification (or silently dropped) and false returned. */
  private checkMessage(session: ServerSession, msgId: bigint, seqNo: number, body: Uint8Array, top: boolean): boolean {
    const verdict: MsgIdVerdict = session.received.peek(msgId, this.now() / 1000);
    const id = bodyId(body);
    let code: number | undefined;
    if (verdict === 'duplicate') {
      // A container may not reuse a msg_id (19); any other message was handled already: answer from what we have.
      if (id !== MSG_CONTAINER) {
        this.answerDuplicate(session, msgId, body);
        return false;
      }
      code = 19;
    } else if (verdict !== 'ok') code = MSG_ID_CODES[verdict];
    if (code === undefined) {
      // A container must carry an even seq_no. msgs_ack should too, but mtcute 0.30.3 sends it as
      // content-related (odd) and Telegram accepts that, so we do as well (a 34 there makes mtcute reset its session).
      if (id === MSG_CONTAINER && seqNo & 1) code = 34;
      else if (!(seqNo & 1) && isApiQuery(id)) code = 35;
      else code = session.seqNos.check(msgId, seqNo) || undefined;
    }
    code ??= this.options.hooks?.badMsg?.({ msgId, seqNo, body, session });
    if (code === undefined) {
      if (!top) {
        session.received.remember(msgId);
        session.seqNos.record(msgId, seqNo);
      }
      return true;
    }
    this.queue(session, { body: { _: 'bad_msg_notification', badMsgId: msgId, badMsgSeqno: seqNo, errorCode: code }, content: false, kind: 'response' });
    return false;
  }

  /** A request received again: its answer again (small), msg_detailed_info (large, or acknowledged), a pong again, or nothing while it runs. */
  private answerDuplicate(session: ServerSession, msgId: bigint, body: Uint8Array): void {
    const answer = session.sent.answerTo(msgId);
    if (!answer) {
      const id = bodyId(body);
      if (id === PING || id === PING_DELAY_DISCONNECT) this.queue(session, { body: { _: 'pong', msgId, pingId: new TlReader(body, 4).long() }, content: false, kind: 'response' });
      return;
    }
    if (answer.msgId === undefined || answer.queued) return; // not sent yet: it goes out anyway
    if (!answer.acked && bodySize(answer) < (this.options.detailedInfoMin ?? 1024)) {
      session.resend(session.sent.takeForResend([answer.msgId]));
      return;
    }
    this.queue(session, { body: { _: 'msg_detailed_info', msgId, answerMsgId: answer.msgId, bytes: bodySize(answer), status: 0 }, content: false, kind: 'response' });
  }

  private queue(session: ServerSession, q: Queued): void {
    q.queued = true;
    if (session.codec !== undefined && q.codec === undefined) q.codec = session.codec;
    session.enqueue(q);
    session.sent.answerQueued(q);
  }

  private handleMessage(session: ServerSession, msgId: bigint, seqNo: number, body: Uint8Array, top: boolean, request: RequestState): void {
    const id = bodyId(body);
    if (id === MSG_CONTAINER) {
      let items;
      try {
        if (!top) throw new TlError('nested container', 'msg_container');
        items = unpackContainer(body, msgId);
      } catch {
        this.queue(session, { body: { _: 'bad_msg_notification', badMsgId: msgId, badMsgSeqno: seqNo, errorCode: 64 }, content: false, kind: 'response' });
        return;
      }
      for (const item of items) {
        if (this.checkMessage(session, item.msgId, item.seqNo, item.body, false)) this.handleMessage(session, item.msgId, item.seqNo, item.body, false, request);
      }
      return;
    }
    let object: TlObject | TlRequest;
    try {
      const plain = id === GZIP_PACKED ? gunzip(new TlReader(body, 4).bytes(), MAX_GZIP_OUTPUT) : body;
      // invokeWithLayer(N, query): the query, and this session from now on, speak layer N.
      if (bodyId(plain) === INVOKE_WITH_LAYER && plain.length >= 8) session.setLayer(new TlReader(plain, 4).int());
      const codec = session.codec;
      // The packet body is openPacket's own copy (and gunzip's output is fresh): a file part's bytes may stay a view of it.
      object = (codec ? codec.deserialize(plain) : deserialize(plain, { ownsBuffer: true })) as TlObject | TlRequest;
    } catch (error) {
      // Not something we can read: an unknown method, or garbage.
      const text = error instanceof TlError && /unknown constructor/.test(error.message) ? 'INPUT_METHOD_INVALID' : 'INPUT_REQUEST_INVALID';
      return this.rpcError(session, msgId, 400, text);
    }
    this.execute(session, msgId, object, request);
  }

  /** `wrapped`: the query came inside an API wrapper (invokeWithLayer, initConnection, invokeWithoutUpdates, invokeAfterMsg(s)). */
  private execute(session: ServerSession, msgId: bigint, o: TlObject | TlRequest, request: RequestState, wrapped = false): void {
    const nowSeconds = Math.floor(this.now() / 1000);
    switch (o._) {
      case 'msgs_ack':
        session.sent.ack(o.msgIds);
        return;
      case 'http_wait':
        request.httpWait = o;
        return;
      // A bare ping gets a pong message of its own (mtcute's keep-alive ping_delay_disconnect is only
      // settled so); a ping inside an API wrapper is an RPC query and gets rpc_result(pong) (mtcute 0.30.3's
      // call() wraps it in invokeWithoutUpdates and only settles calls from rpc_result; GramJS and our
      // client accept either).
      case 'ping':
        if (wrapped) return this.rpcResult(session, msgId, { _: 'pong', msgId, pingId: o.pingId });
        this.queue(session, { body: { _: 'pong', msgId, pingId: o.pingId }, content: false, kind: 'response' });
        return;
      case 'ping_delay_disconnect': {
        if (wrapped) this.rpcResult(session, msgId, { _: 'pong', msgId, pingId: o.pingId });
        else this.queue(session, { body: { _: 'pong', msgId, pingId: o.pingId }, content: false, kind: 'response' });
        clearTimeout(session.disconnectTimer);
        const connection = session.connection;
        // Clamped: setTimeout turns delays above 2^31-1 ms into 1 ms.
        session.disconnectTimer = setTimeout(() => connection?.close(), Math.min(Math.max(1, o.disconnectDelay), MAX_DISCONNECT_DELAY) * 1000);
        session.disconnectTimer.unref?.();
        return;
      }
      case 'get_future_salts': {
        const salts: TlObject = { _: 'future_salts', reqMsgId: msgId, now: nowSeconds, salts: this.salts.future(o.num).map((s) => ({ _: 'future_salt', ...s })) };
        if (wrapped) return this.rpcResult(session, msgId, salts);
        this.queue(session, { body: salts, content: true, kind: 'response', answers: msgId });
        return;
      }
      case 'destroy_session': {
        const other = this.sessions.get(`${session.key.id}:${o.sessionId}`);
        if (other && other !== session) this.forget(other);
        return this.rpcResult(session, msgId, { _: other && other !== session ? 'destroy_session_ok' : 'destroy_session_none', sessionId: o.sessionId });
      }
      case 'rpc_drop_answer':
        return this.rpcResult(session, msgId, session.running.has(o.reqMsgId) ? { _: 'rpc_answer_dropped_running' } : { _: 'rpc_answer_unknown' });
      case 'msg_resend_req':
        // Ours that we still have go out again; if any is unknown, the request is answered as msgs_state_req.
        session.resend(session.sent.takeForResend(o.msgIds));
        if (o.msgIds.every((id) => session.sent.has(id))) return;
      // falls through
      case 'msgs_state_req': {
        const info = new Uint8Array(o.msgIds.map((id) => this.stateOf(session, id)));
        this.queue(session, { body: { _: 'msgs_state_info', reqMsgId: msgId, info }, content: true, kind: 'response', answers: msgId });
        return;
      }
      case 'invokeWithLayer':
        if (session.layer !== o.layer) session.setLayer(o.layer); // already set when the message was read
        return this.execute(session, msgId, o.query, request, true);
      case 'initConnection':
        session.client = {
          apiId: o.apiId, deviceModel: o.deviceModel, systemVersion: o.systemVersion, appVersion: o.appVersion, langCode: o.langCode,
          systemLangCode: o.systemLangCode, langPack: o.langPack,
        };
        return this.execute(session, msgId, o.query, request, true);
      case 'invokeWithoutUpdates':
        return this.execute(session, msgId, o.query, request, true);
      case 'invokeAfterMsg':
      case 'invokeAfterMsgs': {
        const ids = o._ === 'invokeAfterMsg' ? [o.msgId] : o.msgIds;
        const before = ids.map((id) => session.running.get(id)).filter((p) => p !== undefined);
        if (before.length === 0) return this.execute(session, msgId, o.query, request, true);
        const done = Promise.allSettled(before).then(() => {
          this.execute(session, msgId, o.query, { httpWait: undefined }, true);
          this.flush(session);
        });
        this.track(session, msgId, done);
        return;
      }
    }
    const handler = this.options.methods.get(o._);
    if (!handler) return this.rpcError(session, msgId, 400, `METHOD_NOT_IMPLEMENTED`);
    const ctx: MethodContext = {
      host: this.options.host, port: this.options.port, dcId: this.options.dcId, now: nowSeconds,
      layer: session.layer, authKeyId: session.key.id, sessionId: session.sessionId,
    };
    let result;
    try {
      result = handler(o as TlRequest, ctx);
    } catch (error) {
      return this.answerError(session, msgId, error);
    }
    if (result instanceof Promise) {
      const done = result.then(
        (value) => this.rpcResult(session, msgId, value),
        (error) => this.answerError(session, msgId, error),
      ).then(() => this.flush(session));
      this.track(session, msgId, done);
      return;
    }
    this.rpcResult(session, msgId, result);
  }

  private track(session: ServerSession, msgId: bigint, done: Promise<unknown>): void {
    session.running.set(msgId, done);
    done.finally(() => session.running.delete(msgId)).catch(() => undefined);
  }

  /** msgs_state_info status of a message the client sent: 1 unknown, 2 not received, 3 not received (too new), 4 received (+32 being run or done, +64 answered). */
  private stateOf(session: ServerSession, msgId: bigint): number {
    const verdict = session.received.peek(msgId, this.now() / 1000);
    if (verdict === 'duplicate') {
      const answered = session.sent.answerTo(msgId) !== undefined;
      return 4 | (answered || session.running.has(msgId) ? 32 : 0) | (answered ? 64 : 0);
    }
    if (verdict === 'too_new') return 3;
    if (verdict === 'ok') return 2;
    return 1;
  }

  private answerError(session: ServerSession, msgId: bigint, error: unknown): void {
    if (error instanceof RpcError) this.rpcError(session, msgId, error.code, error.text);
    else this.rpcError(session, msgId, 500, 'INTERNAL');
  }

  private rpcError(session: ServerSession, msgId: bigint, code: number, message: string): void {
    this.rpcResult(session, msgId, { _: 'rpc_error', errorCode: code, errorMessage: message });
  }

  private rpcResult(session: ServerSession, reqMsgId: bigint, result: TlObject | boolean): void {
    if (typeof result === 'boolean') {
      const body = new Uint8Array(16);
      const dv = new DataView(body.buffer);
      dv.setUint32(0, RPC_RESULT, true);
      dv.setBigInt64(4, reqMsgId, true);
      dv.setUint32(12, result ? BOOL_TRUE : BOOL_FALSE, true);
      this.queue(session, { body, content: true, kind: 'response', answers: reqMsgId });
      return;
    }
    // File contents (upload.file) are already compressed or random: gzip would cost ~17 ms per 512 KiB for nothing.
    const gzipSkip = result._ === 'upload.file' ? undefined : 12;
    this.queue(session, { body: { _: 'rpc_result', reqMsgId, result }, content: true, kind: 'response', gzipSkip, answers: reqMsgId });
  }

  /** Sends what the session has queued on its connection (framed transports; HTTP uses held requests). */
  flush(session: ServerSession): void {
    while (session.outbox.length > 0) {
      const held = session.held.shift();
      if (held) {
        clearTimeout(held.timer);
        if (!this.sendOn(session, held.connection)) continue;
        continue;
      }
      const connection = session.connection;
      if (!connection || !this.sendOn(session, connection)) {
        session.connection = undefined;
        return;
      }
    }
  }

  /**
   * Sends the queued messages on `connection`, as many packets as their size needs (one for HTTP); false if
   * it could not (then nothing was taken) or the packet was lost. Never throws: a message too large for
   * any packet is dropped (a request's answer becomes rpc_error 500 RESULT_TOO_LARGE).
   */
  private sendOn(session: ServerSession, connection: ServerConnection): boolean {
    const http = connection.description === 'http';
    // Container: 8 bytes of header; each item 16 bytes of header plus its body (bodies serialized once).
    const budget = maxPacketBody() - 8;
    let single = false;
    while (session.outbox.length > 0) {
      const batch: Queued[] = [];
      let size = 0;
      let unreadable: Queued | undefined;
      for (const q of session.outbox) {
        if (batch.length >= (single ? 1 : MAX_CONTAINER_MESSAGES - 1)) break;
        if (!(q.body instanceof Uint8Array)) {
          try {
            q.body = q.codec ? q.codec.serialize(q.body) : serialize(q.body);
          } catch {
            unreadable = q;
            break;
          }
        }
        const item = 16 + q.body.length;
        if (batch.length > 0 && size + item > budget) break;
        batch.push(q);
        size += item;
      }
      if (unreadable) {
        this.dropUnsendable(session, unreadable, 'INTERNAL');
        continue;
      }
      let again = false;
      const messages: OutgoingMessage[] = batch.map((q) => {
        // msg_id and seq_no are given once: a message sent again keeps them (the client drops copies by msg_id).
        if (q.msgId === undefined) {
          q.msgId = session.msgIds.next(q.kind);
          q.seqNo = session.seqNo.next(q.content);
        } else again = true;
        return { msgId: q.msgId, seqNo: q.seqNo!, body: q.body, gzipMin: q.gzipSkip !== undefined ? this.gzipMin : undefined, gzipSkip: q.gzipSkip };
      });
      // Messages sent again go inside a new container (its msg_id is above theirs).
      const container = messages.length > 1 || again
        ? { msgId: session.msgIds.next(batch.some((q) => q.kind === 'response') ? 'response' : 'push'), seqNo: session.seqNo.next(false) }
        : undefined;
      let packet: Uint8Array<ArrayBuffer>;
      try {
        packet = sealPacket({ key: session.key.key, x: 8, salt: session.lastSalt, sessionId: session.sessionId }, messages, container);
      } catch {
        if (batch.length > 1) {
          single = true; // the estimate missed (should not happen): one message per packet
          continue;
        }
        this.dropUnsendable(session, batch[0], 'RESULT_TOO_LARGE');
        single = false;
        continue;
      }
      single = false;
      const lost = this.options.hooks?.loseSent?.(session) ?? false;
      try {
        if (!lost) connection.send(http ? packet.slice() : packet);
      } catch {
        return false; // closed: the messages stay queued
      }
      session.outbox.splice(0, batch.length);
      for (const q of batch) session.sent.sent(q);
      if (lost) {
        connection.close();
        return false;
      }
      if (http) return true; // one answer per HTTP request
    }
    return true;
  }

  /** A message we cannot send (too large for any packet, or not serializable): dropped; the request it answers gets rpc_error 500. */
  private dropUnsendable(session: ServerSession, q: Queued, text: string): void {
    session.outbox.splice(session.outbox.indexOf(q), 1);
    q.queued = false;
    if (q.msgId !== undefined) session.sent.forget(q.msgId);
    if (q.answers !== undefined) this.rpcError(session, q.answers, 500, text);
  }

  /** HTTP: answer this request now if there is something to say; else hold it (http_wait) or answer empty. */
  private answerHttp(session: ServerSession, connection: ServerConnection, wait: { maxDelay: number; maxWait: number } | undefined): void {
    if (session.outbox.length > 0) {
      this.flush(session); // older held requests first, then this one
      if (session.outbox.length > 0) {
        this.sendOn(session, connection);
        return;
      }
    }
    // Nothing (left) to say: hold the request if the client asked (an empty answer makes it poll again).
    if (!wait) return connection.close();
    const held: Held = {
      connection,
      timer: setTimeout(() => {
        session.held = session.held.filter((h) => h !== held);
        connection.close();
      }, Math.min(Math.max(wait.maxWait, 0), 25_000)),
    };
    held.timer.unref?.();
    session.held.push(held);
  }
}

interface RequestState {
  httpWait?: { maxDelay: number; waitAfter: number; maxWait: number };
}

/** The lowest msg_id in a packet: a container's items have lower ids than the container itself. */
function firstMsgIdOf(packet: { msgId: bigint; body: Uint8Array }): bigint {
  if (bodyId(packet.body) !== MSG_CONTAINER) return packet.msgId;
  let first = packet.msgId;
  try {
    for (const item of unpackContainer(packet.body, packet.msgId)) if (item.msgId < first) first = item.msgId;
  } catch {
    // A bad container is answered with 64 later; its own msg_id will do here.
  }
  return first;
}

/** The longest ping_delay_disconnect delay honoured, in seconds. */
const MAX_DISCONNECT_DELAY = 3600;

/** Ids of the MTProto service messages that are not RPC queries (may have an even seq_no). */
const PING = 0x7abe77ec;
const PING_DELAY_DISCONNECT = 0xf3427b8c;
const INVOKE_WITH_LAYER = 0xda9b0d0d;
const MSG_ID_CODES: Partial<Record<MsgIdVerdict, number>> = { parity: 18, too_old: 16, too_new: 17, below_window: 20 };

const NOT_QUERIES = new Set([MSGS_ACK, MSG_CONTAINER, GZIP_PACKED, 0x9299359f /* http_wait */, 0xda69fb52 /* msgs_state_req */, 0x7d861a08 /* msg_resend_req */, 0x7abe77ec /* ping */, 0xf3427b8c /* ping_delay_disconnect */]);

/** An id that must come with an odd (content-related) seq_no: any method call except those above. */
function isApiQuery(id: number): boolean {
  return id !== 0 && !NOT_QUERIES.has(id) && id !== RPC_RESULT;
}
