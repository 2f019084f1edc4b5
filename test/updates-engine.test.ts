// The updates engine (src/client/updates/engine.ts) driven by a fake server: synthetic update sequences
// with gaps, duplicates, out-of-order arrival, getDifference slices, differenceTooLong, updatesTooLong,
// seq containers, qts, short updates, and a randomized run that must deliver every update exactly once,
// in pts order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpdatesEngine, type UpdatesEngineEvent, type UpdatesInvoker } from '../src/client/updates/engine.ts';
import type { UpdatesState } from '../src/client/updates/state.ts';
import { expandShortSent } from '../src/client/updates/expand.ts';
import type { RawMessage, RawUpdateNewMessage, TypeUpdate, TypeUpdates, TypeUpdatesDifference } from '../src/tl/generated/types.ts';

/** Deterministic [0, 1) numbers (xorshift32). */
function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

const SELF = 1000n;
const PEER = 7n;

function message(id: number): RawMessage {
  return { _: 'message', id, peerId: { _: 'peerUser', userId: PEER }, fromId: { _: 'peerUser', userId: PEER }, date: 1_700_000_000 + id, message: `m${id}` };
}
const newMessage = (id: number, pts = id): RawUpdateNewMessage => ({ _: 'updateNewMessage', message: message(id), pts, ptsCount: 1 });
const short = (update: TypeUpdate): TypeUpdates => ({ _: 'updateShort', update, date: 1_700_000_000 });

/** A fake account: message i has pts i (pts_count 1). getDifference answers from its log, in slices. */
class FakeServer implements UpdatesInvoker {
  log: TypeUpdate[] = [];
  qtsLog: TypeUpdate[] = [];
  seq = 0;
  slice = Infinity;
  tooLongAbove = Infinity;
  calls: UpdatesState[] = [];
  stateCalls = 0;
  delayMs = 0;
  fail = 0;

  constructor(count = 0) {
    for (let i = 1; i <= count; i++) this.log.push(newMessage(i));
  }

  get pts(): number {
    return this.log.length;
  }

  async getState() {
    this.stateCalls++;
    return { _: 'updates.state' as const, pts: this.pts, qts: this.qtsLog.length, date: 1_700_000_000, seq: this.seq, unreadCount: 0 };
  }

  async getDifference(from: UpdatesState): Promise<TypeUpdatesDifference> {
    this.calls.push(from);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail > 0) {
      this.fail--;
      throw new Error('network');
    }
    if (this.pts - from.pts > this.tooLongAbove) return { _: 'updates.differenceTooLong', pts: this.pts };
    if (from.pts >= this.pts && from.qts >= this.qtsLog.length) return { _: 'updates.differenceEmpty', date: 1_700_000_001, seq: this.seq };
    const upTo = Math.min(this.pts, from.pts + this.slice);
    const items = this.log.slice(from.pts, upTo);
    const final = upTo === this.pts;
    const state = { _: 'updates.state' as const, pts: upTo, qts: this.qtsLog.length, date: 1_700_000_001, seq: this.seq, unreadCount: 0 };
    const body = {
      newMessages: items.filter((u) => u._ === 'updateNewMessage').map((u) => (u as RawUpdateNewMessage).message),
      newEncryptedMessages: this.qtsLog.slice(from.qts).map((u) => (u as unknown as { message: never }).message),
      otherUpdates: items.filter((u) => u._ !== 'updateNewMessage'),
      chats: [],
      users: [],
    };
    return final ? { _: 'updates.difference', ...body, state } : { _: 'updates.differenceSlice', ...body, intermediateState: state };
  }
}

function engine(server: FakeServer, options: { gapWaitMs?: number } = {}) {
  const delivered: TypeUpdate[] = [];
  const events: UpdatesEngineEvent[] = [];
  const states: UpdatesState[] = [];
  const e = new UpdatesEngine({
    invoker: server,
    deliver: (u) => delivered.push(u),
    selfId: () => SELF,
    onState: (s) => states.push(s),
    onEvent: (ev) => events.push(ev),
    gapWaitMs: options.gapWaitMs ?? 30,
    retryMs: 20,
  });
  const ids = () => delivered.filter((u) => u._ === 'updateNewMessage').map((u) => ((u as RawUpdateNewMessage).message as RawMessage).id);
  return { e, delivered, events, states, ids };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const start0: UpdatesState = { pts: 0, qts: 0, date: 0, seq: 0 };

test('in-order updates are delivered at once, duplicates dropped, pts followed', async () => {
  const server = new FakeServer(0);
  const { e, ids, events, states } = engine(server);
  e.start(start0);
  for (const i of [1, 2, 3, 2, 3, 1, 4]) e.handle(short(newMessage(i)));
  await e.idle();
  assert.deepEqual(ids(), [1, 2, 3, 4]);
  assert.equal(e.state!.pts, 4);
  assert.equal(events.filter((ev) => ev.type === 'duplicate').length, 3);
  assert.equal(states.at(-1)!.pts, 4);
  e.stop();
});

test('out-of-order arrival inside the gap wait is reordered without getDifference', async () => {
  const server = new FakeServer(5);
  const { e, ids } = engine(server, { gapWaitMs: 200 });
  e.start(start0);
  await e.idle();
  server.calls.length = 0;
  server.log.push(...[6, 7, 8, 9].map((i) => newMessage(i)));
  for (const i of [9, 7, 8, 6]) e.handle(short(newMessage(i)));
  await e.idle();
  // 1..5 came from the start-up getDifference; 6..9 reordered in place.
  assert.deepEqual(ids(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(e.pending, 0);
  await sleep(250);
  assert.equal(server.calls.length, 0, 'no getDifference for a gap that closed');
  e.stop();
});

test('a gap that stays open is filled by getDifference; later updates then apply once', async () => {
  const server = new FakeServer(10);
  const { e, ids, events } = engine(server);
  e.start({ ...start0, pts: 3 });
  await e.idle();
  assert.deepEqual(ids(), [4, 5, 6, 7, 8, 9, 10]);
  server.log.push(...[11, 12, 13, 14].map((i) => newMessage(i)));
  e.handle(short(newMessage(13)));
  e.handle(short(newMessage(14)));
  await e.idle();
  assert.equal(e.pending, 2);
  await sleep(100);
  await e.idle();
  assert.deepEqual(ids(), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  assert.ok(events.some((ev) => ev.type === 'gap' && ev.box === 'pts' && ev.local === 10 && ev.remote === 13));
  assert.ok(events.some((ev) => ev.type === 'difference' && ev.reason === 'gap'));
  // The same updates arriving again later (resent after a reconnection) are dropped.
  for (const i of [11, 12, 13, 14]) e.handle(short(newMessage(i)));
  await e.idle();
  assert.equal(ids().length, 11);
  e.stop();
});

test('getDifference slices are followed to the end; differenceTooLong moves pts and is reported', async () => {
  const server = new FakeServer(50);
  server.slice = 7;
  const { e, ids, states } = engine(server);
  e.start(start0);
  await e.idle();
  assert.deepEqual(ids(), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(server.calls.length, 8); // 7 slices of 7 + 1, then the final difference
  assert.ok(states.some((s) => s.pts === 7), 'intermediate state kept between slices');

  const far = new FakeServer(1000);
  far.tooLongAbove = 100;
  const t = engine(far);
  t.e.start(start0);
  await t.e.idle();
  assert.deepEqual(t.events.filter((ev) => ev.type === 'difference_too_long'), [{ type: 'difference_too_long', pts: 1000 }]);
  assert.equal(t.e.state!.pts, 1000);
  assert.equal(t.delivered.length, 0);
  e.stop();
  t.e.stop();
});

test('updatesTooLong and sync() run getDifference; live updates that arrive meanwhile are not delivered twice', async () => {
  const server = new FakeServer(3);
  server.delayMs = 40;
  const { e, ids } = engine(server);
  e.start({ ...start0, pts: 3 });
  await e.idle();
  server.log.push(newMessage(4), newMessage(5));
  e.handle({ _: 'updatesTooLong' });
  // While that getDifference is in flight, the same updates arrive live, plus one after them.
  server.log.push(newMessage(6));
  e.handle(short(newMessage(4)));
  e.handle(short(newMessage(5)));
  e.handle(short(newMessage(6)));
  await e.idle();
  assert.deepEqual(ids(), [4, 5, 6]);
  e.sync('reconnected');
  e.sync('reconnected'); // coalesced
  await e.idle();
  assert.deepEqual(ids(), [4, 5, 6]);
  e.stop();
});

test('seq: updates/updatesCombined apply in seq order, seq 0 at once, old containers dropped', async () => {
  const server = new FakeServer(0);
  const { e, ids, events, delivered } = engine(server, { gapWaitMs: 500 });
  e.start(start0);
  const box = (seq: number, seqStart: number | undefined, ...updates: TypeUpdate[]): TypeUpdates =>
    seqStart === undefined
      ? { _: 'updates', updates, users: [], chats: [], date: 1_700_000_000 + seq, seq }
      : { _: 'updatesCombined', updates, users: [], chats: [], date: 1_700_000_000 + seq, seqStart, seq };
  e.handle(box(1, undefined, newMessage(1)));
  e.handle(box(4, 3, newMessage(4), newMessage(5))); // waits for seq 2
  e.handle(box(0, undefined, { _: 'updateUserStatus', userId: PEER, status: { _: 'userStatusEmpty' } })); // unordered
  e.handle(box(2, undefined, newMessage(2), newMessage(3)));
  e.handle(box(1, undefined, newMessage(1))); // old
  await e.idle();
  assert.deepEqual(ids(), [1, 2, 3, 4, 5]);
  assert.equal(delivered.length, 6);
  assert.equal(e.state!.seq, 4);
  assert.equal(e.state!.pts, 5);
  assert.ok(events.some((ev) => ev.type === 'gap' && ev.box === 'seq'));
  assert.ok(events.some((ev) => ev.type === 'duplicate' && ev.box === 'seq'));
  e.stop();
});

test('qts: updateNewEncryptedMessage applies with qts_count 1, gaps filled by getDifference', async () => {
  const server = new FakeServer(0);
  const enc = (qts: number): TypeUpdate => ({
    _: 'updateNewEncryptedMessage', qts,
    message: { _: 'encryptedMessage', randomId: BigInt(qts), chatId: 1, date: 0, bytes: new Uint8Array([qts]), file: { _: 'encryptedFileEmpty' } },
  });
  for (let q = 1; q <= 4; q++) server.qtsLog.push(enc(q));
  const { e, delivered } = engine(server);
  e.start(start0);
  await e.idle(); // getDifference brings qts 1..4
  server.qtsLog.push(enc(5), enc(6), enc(7));
  e.handle(short(enc(5)));
  e.handle(short(enc(5)));
  e.handle(short(enc(7)));
  await sleep(100);
  await e.idle();
  const got = delivered.map((u) => Number((u as { message: { randomId: bigint } }).message.randomId));
  assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(e.state!.qts, 7);
  e.stop();
});

test('short updates are expanded: updateShortMessage (in and out), updateShortSentMessage via expandShortSent', async () => {
  const server = new FakeServer(0);
  const { e, delivered } = engine(server);
  e.start(start0);
  e.handle({ _: 'updateShortMessage', id: 1, userId: PEER, message: 'hi', pts: 1, ptsCount: 1, date: 5 });
  e.handle({ _: 'updateShortMessage', out: true, id: 2, userId: PEER, message: 'yo', pts: 2, ptsCount: 1, date: 6 });
  // updateShortSentMessage alone moves pts without delivering anything.
  e.handle({ _: 'updateShortSentMessage', out: true, id: 3, pts: 3, ptsCount: 1, date: 7 });
  await e.idle();
  assert.equal(e.state!.pts, 3);
  assert.equal(delivered.length, 2);
  const [a, b] = delivered.map((u) => (u as RawUpdateNewMessage).message as RawMessage);
  assert.deepEqual(a.fromId, { _: 'peerUser', userId: PEER });
  assert.deepEqual(a.peerId, { _: 'peerUser', userId: PEER });
  assert.equal(a.message, 'hi');
  assert.equal(b.out, true);
  assert.deepEqual(b.fromId, { _: 'peerUser', userId: SELF });
  assert.deepEqual(b.peerId, { _: 'peerUser', userId: PEER });
  const sent = expandShortSent({ _: 'updateShortSentMessage', out: true, id: 3, pts: 3, ptsCount: 1, date: 7 }, { peer: { _: 'peerUser', userId: PEER }, message: 'sent' }, SELF);
  assert.deepEqual(sent.message, { _: 'message', out: true, id: 3, fromId: { _: 'peerUser', userId: SELF }, peerId: { _: 'peerUser', userId: PEER }, date: 7, message: 'sent' });
  e.stop();
});

test('affected messages move pts; updates before start wait; a fresh start asks updates.getState', async () => {
  const server = new FakeServer(5);
  const { e, ids } = engine(server);
  e.handle(short(newMessage(5))); // before start: judged against the state getState brings (pts 5): old
  e.handle(short(newMessage(8)));
  e.start();
  await e.idle();
  assert.equal(server.stateCalls, 1);
  assert.equal(e.state!.pts, 5);
  assert.equal(e.pending, 1); // 8 waits for 6..7
  e.handleAffected(7, 2); // our own deleteMessages answer (pts 6..7)
  await e.idle();
  assert.deepEqual(ids(), [8]);
  assert.equal(e.state!.pts, 8);
  assert.equal(e.pending, 0);
  e.stop();
});

test('getDifference failures are retried; nothing is lost', async () => {
  const server = new FakeServer(20);
  server.fail = 2;
  const { e, ids, events } = engine(server);
  e.start(start0);
  for (let i = 0; i < 20 && ids().length < 20; i++) {
    await sleep(25);
    await e.idle();
  }
  assert.deepEqual(ids(), Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(events.filter((ev) => ev.type === 'error').length, 2);
  e.stop();
});

test('randomized: drops, duplicates, reordering and reconnections deliver every update exactly once, in order', async () => {
  const rnd = seededRandom(7);
  for (let round = 0; round < 5; round++) {
    const server = new FakeServer(0);
    server.slice = 1 + Math.floor(rnd() * 40);
    const { e, ids } = engine(server, { gapWaitMs: 5 });
    e.start(start0);
    const N = 600;
    let inFlight: TypeUpdates[] = [];
    for (let i = 1; i <= N; i++) {
      server.log.push(newMessage(i));
      const r = rnd();
      if (r < 0.1) continue; // lost
      inFlight.push(short(newMessage(i)));
      if (r > 0.9) inFlight.push(short(newMessage(i))); // duplicated
      if (rnd() < 0.3) {
        // deliver what is in flight, shuffled a little
        for (let k = inFlight.length - 1; k > 0; k--) if (rnd() < 0.3) [inFlight[k], inFlight[k - 1]] = [inFlight[k - 1], inFlight[k]];
        for (const u of inFlight) e.handle(u);
        inFlight = [];
      }
      if (rnd() < 0.02) e.sync('reconnected');
      if (rnd() < 0.05) await sleep(rnd() < 0.5 ? 0 : 8);
    }
    for (const u of inFlight) e.handle(u);
    e.sync('final');
    await e.idle();
    await sleep(20);
    await e.idle();
    assert.deepEqual(ids(), Array.from({ length: N }, (_, i) => i + 1), `round ${round}`);
    e.stop();
  }
});
