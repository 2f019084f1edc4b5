// The public TL codec: round trips of every constructor and method of both schemas, every flag bit of
// rich constructors, methods and wrappers, published samples, and hostile input (truncation at every
// offset, corruption, unknown ids, undefined flag bits, deep nesting) — always TlError, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TlError } from '../src/errors.ts';
import { TL_LAYER, deserialize, deserializeResult, serialize, serializeInto, type TlSerializable } from '../src/index.ts';
import type { ResultOf, TypeConfig, RawMessagesSendMessageRequest, TypeUpdates } from '../src/index.ts';
import { gzip } from '../src/tl/binary/gzip.ts';
import { TlWriter } from '../src/tl/binary/writer.ts';
import { bytesOf, hex, toHex, vectorSet } from './helpers/vectors.ts';
import { randomObject, rng, tlModel } from './helpers/tl-random.ts';
import { messagesSample, sendMessageSample } from '../bench/tl-samples.ts';

function isTlError(re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof TlError, `expected TlError, got ${e instanceof Error ? e.stack : String(e)}`);
    if (re) assert.match(e.message, re);
    return true;
  };
}

function roundTrip(o: Record<string, unknown>): Uint8Array {
  const bytes = serialize(o as unknown as TlSerializable);
  assert.deepStrictEqual(deserialize(bytes), o, `round trip of ${String(o._)}`);
  assert.equal(toHex(serialize(deserialize(bytes) as TlSerializable)), toHex(bytes));
  return bytes;
}

test('TL_LAYER is 228', () => assert.equal(TL_LAYER, 228));

test('every constructor and method of both schemas round-trips (random fields, 3 seeds)', () => {
  let n = 0;
  for (const d of tlModel().defs) {
    if (!d.boxable || d.name === 'gzip_packed') continue; // gzip_packed is unpacked on read: tested below
    for (const seed of [1, 2, 3]) {
      roundTrip(randomObject(d, rng(seed * 7919 + d.id)));
      n++;
    }
  }
  assert.ok(n > 7000, `${n} round trips`);
});

test('every flag bit of message, user, channelFull: each alone, all, none, random subsets', () => {
  for (const name of ['message', 'user', 'channelFull', 'messages.sendMessage', 'initConnection']) {
    const d = tlModel().byName.get(name)!;
    const bits = d.params.filter((p) => p.condition).map((p) => `${p.condition!.field}.${p.condition!.bit}`);
    const unique = [...new Set(bits)];
    assert.ok(unique.length > 1 || name === 'initConnection');
    const cases: ((f: string, b: number) => boolean)[] = [() => true, () => false];
    for (const only of unique) cases.push((f, b) => `${f}.${b}` === only);
    for (const only of unique) cases.push((f, b) => `${f}.${b}` !== only);
    for (let s = 0; s < 50; s++) {
      const rand = rng(s + 1000);
      const chosen = new Set(unique.filter(() => rand() < 0.5));
      cases.push((f, b) => chosen.has(`${f}.${b}`));
    }
    cases.forEach((flags, i) => {
      const o = randomObject(d, rng(i + 1), 0, { flags: (_d, f, b) => flags(f, b) });
      const bytes = roundTrip(o);
      // The flags word on the wire is exactly the bits chosen.
      if (name === 'message') {
        let want = 0;
        for (const u of unique) if (u.startsWith('flags.') && flags('flags', Number(u.slice(6)))) want |= 1 << Number(u.slice(6));
        assert.equal(new DataView(bytes.buffer).getInt32(4, true), want | 0);
      }
    });
  }
});

test('[tl.serialization] vector_of_objects and the resPQ of the auth_key sample', () => {
  const v = vectorSet('tl.serialization');
  const vo = bytesOf(v, 'vector_of_objects');
  // A Vector of boxed objects where any object may stand: read item by item through the id table,
  // with mtproto ids unknown to us rejected. The sample holds made-up ids: check it is refused cleanly.
  assert.throws(() => deserialize(vo), isTlError(/unknown constructor id 0xdeadbeef/));
  const res = bytesOf(vectorSet('tg.samples_auth_key.rev2025'), 'msg_res_pq').subarray(20);
  const resPQ = deserialize(res) as Record<string, unknown>;
  assert.equal(resPQ._, 'resPQ');
  assert.equal(toHex(resPQ.pq as Uint8Array), '130b7475669feb8b');
  assert.deepEqual(resPQ.serverPublicKeyFingerprints, [-3414540481677951611n, 847625836280919973n, -4344800451088585951n]);
  assert.equal(toHex(serialize(resPQ as unknown as TlSerializable)), toHex(res));
  // The pq string and the fingerprint vector are the published byte forms.
  assert.ok(toHex(res).includes(toHex(bytesOf(v, 'pq_string_sample2025'))));
  assert.ok(toHex(res).endsWith(toHex(bytesOf(v, 'vector_long_3_fps_sample2025'))));
});

test('vectors of boxed objects at the top level, nested vectors, bare vectors (msg_container)', () => {
  const peers = [{ _: 'inputPeerSelf' }, { _: 'inputPeerChat', chatId: 5n }];
  const b = serialize(peers as unknown as TlSerializable);
  assert.equal(toHex(b.subarray(0, 8)), '15c4b51c02000000');
  assert.deepStrictEqual(deserialize(b), peers);
  const container = {
    _: 'msg_container',
    messages: [
      { _: 'mt_message', msgId: 1n << 40n, seqno: 1, body: { _: 'ping', pingId: 7n } },
      { _: 'mt_message', msgId: (1n << 40n) + 4n, seqno: 3, body: { _: 'msgs_ack', msgIds: [1n, 2n] } },
    ],
  };
  const cb = serialize(container as unknown as TlSerializable);
  // msg_container#73f1f8dc, count 2 (bare vector: no vector id), msg_id, seqno, bytes = 12 (ping: id + long).
  assert.equal(toHex(cb.subarray(0, 8)), 'dcf8f17302000000');
  assert.equal(new DataView(cb.buffer).getInt32(20, true), 12);
  assert.deepStrictEqual(deserialize(cb), container);
  // Vectors of vectors where any object may stand, and vectors inside objects inside vectors.
  const nested = [[{ _: 'inputPeerSelf' }], [], [[{ _: 'inputPeerEmpty' }]]];
  const nb = serialize(nested as never);
  assert.equal(toHex(nb.subarray(0, 16)), '15c4b51c0300000015c4b51c01000000');
  assert.deepStrictEqual(deserialize(nb), nested);
  const mb = serialize(messagesSample());
  assert.equal(toHex(serialize(deserialize(mb) as TlSerializable)), toHex(mb));
  // Items of one vector: runs of one constructor, changes, a nested vector and a gzip_packed item between them.
  const peerChat = { _: 'peerChat', chatId: 9n };
  const mixed = [{ _: 'peerUser', userId: 1n }, { _: 'peerUser', userId: 2n }, peerChat, [{ _: 'peerUser', userId: 3n }], { _: 'gzip_packed', packedData: gzip(serialize(peerChat as never)) }, { _: 'peerUser', userId: 4n }];
  assert.deepStrictEqual(deserialize(serialize(mixed as never)), [...mixed.slice(0, 4), peerChat, mixed[5]]);
  // An unknown id after a run of known ones → TlError at that item.
  const xb = serialize([{ _: 'peerUser', userId: 1n }, { _: 'peerUser', userId: 2n }] as never);
  new DataView(xb.buffer).setUint32(8 + 12, 0xdeadbeef, true);
  assert.throws(() => deserialize(xb), isTlError(/unknown constructor id 0xdeadbeef.*at byte 20/));
});

test('methods: messages.sendMessage, invokeWithLayer(initConnection(help.getConfig)), typed results', () => {
  const send = sendMessageSample();
  const sb = serialize(send);
  assert.equal(toHex(sb.subarray(0, 8)), '628ff4fe00000000'); // id fef48f62, no flags
  const back = deserialize(sb) as RawMessagesSendMessageRequest;
  assert.equal(back.message, 'Hello from mtproto-wasm!');
  const wrapped = {
    _: 'invokeWithLayer',
    layer: TL_LAYER,
    query: {
      _: 'initConnection',
      apiId: 12345,
      deviceModel: 'node',
      systemVersion: '20',
      appVersion: '0.1.0',
      systemLangCode: 'en',
      langPack: '',
      langCode: 'en',
      proxy: undefined,
      params: undefined,
      query: { _: 'help.getConfig' },
    },
  } as const;
  const wb = serialize(wrapped);
  assert.equal(toHex(wb.subarray(0, 12)), '0d0d9bdae4000000a95ecdc1');
  assert.deepStrictEqual(deserialize(wb), wrapped);
  // Types: the result of the wrapper is the inner query's result (compile-time checks).
  const config: ResultOf<typeof wrapped> = undefined as unknown as TypeConfig;
  const updates: ResultOf<RawMessagesSendMessageRequest> = undefined as unknown as TypeUpdates;
  void config;
  void updates;
  // Results that are not boxed objects.
  const w = new TlWriter();
  w.bool(true);
  assert.equal(deserializeResult('messages.setTyping', w.result()), true);
  assert.deepStrictEqual(deserializeResult('contacts.getContactIDs', hex('15c4b51c020000000500000006000000')), [5, 6]);
  assert.deepStrictEqual(deserializeResult('get_future_salts', serialize({ _: 'future_salts', reqMsgId: 1n, now: 2, salts: [] } as never)), { _: 'future_salts', reqMsgId: 1n, now: 2, salts: [] });
  assert.throws(() => deserializeResult('nope.method', hex('00000000')), isTlError(/not a method/));
});

test('byte fields of a result never alias the input (deserialize, deserializeResult)', () => {
  const o = { _: 'resPQ', nonce: new Uint8Array(16).fill(1), serverNonce: new Uint8Array(16).fill(2), pq: hex('17ed48941a08f981'), serverPublicKeyFingerprints: [1n] };
  const bytes = serialize(o as never);
  const input = new Uint8Array(bytes.length + 8);
  input.set(bytes, 8);
  const view = input.subarray(8); // a view with an offset, as a receive buffer would give
  const back = deserialize(view) as typeof o;
  assert.deepStrictEqual(back, o);
  const res = deserializeResult('req_pq_multi', view) as typeof o;
  for (const b of [back.nonce, back.serverNonce, back.pq, res.nonce, res.pq]) assert.notEqual(b.buffer, input.buffer);
  input.fill(0xee); // the caller reuses its buffer: the results keep their values
  assert.deepStrictEqual(back, o);
  assert.deepStrictEqual(res, o);
});

test('deserialize(…, { ownsBuffer }): a byte field of at least half the buffer stays a view, smaller ones are copied', () => {
  // A file part (the bytes are most of the message): a view of the caller's fresh buffer, not a copy.
  const part = { _: 'upload.saveBigFilePart', fileId: 7n, filePart: 1, fileTotalParts: 3, bytes: new Uint8Array(4096).fill(9) };
  const whole = serialize(part as never).slice(); // a buffer of its own, as openPacket's body is
  const back = deserialize(whole, { ownsBuffer: true }) as typeof part;
  assert.deepStrictEqual(back, part);
  assert.equal(back.bytes.buffer, whole.buffer);
  // Without the option: a copy, as always.
  assert.notEqual((deserialize(whole) as typeof part).bytes.buffer, whole.buffer);
  // A small field in a big buffer (a container item's view, or padding around it) is copied: keeping it must
  // not keep the whole buffer alive.
  const small = { ...part, bytes: new Uint8Array(1024).fill(3) };
  const one = serialize(small as never);
  const big = new Uint8Array(one.length * 4);
  big.set(one);
  const smallBack = deserialize(big.subarray(0, one.length), { ownsBuffer: true }) as typeof small;
  assert.deepStrictEqual(smallBack, small);
  assert.notEqual(smallBack.bytes.buffer, big.buffer);
});

test('gzip_packed is inflated transparently and its output is bounded', () => {
  const inner = serialize(messagesSample());
  const packed = serialize({ _: 'gzip_packed', packedData: gzip(inner) });
  assert.deepStrictEqual(deserialize(packed), deserialize(inner));
  // Inside another object (rpc_result.result is Object).
  const rpc = serialize({ _: 'rpc_result', reqMsgId: 9n, result: { _: 'gzip_packed', packedData: gzip(inner) } } as never);
  assert.deepStrictEqual((deserialize(rpc) as { result: unknown }).result, deserialize(inner));
  // Garbage inside → TlError.
  assert.throws(() => deserialize(serialize({ _: 'gzip_packed', packedData: hex('1f8b0800000000000003ffff') })), isTlError());
  // Trailing bytes inside the packed payload → TlError.
  const extra = new Uint8Array(inner.length + 4);
  extra.set(inner);
  assert.throws(() => deserialize(serialize({ _: 'gzip_packed', packedData: gzip(extra) })), isTlError(/trailing/));
});

test('truncated input at every byte offset → TlError (sendMessage, messages.messages, container)', () => {
  const samples = [serialize(sendMessageSample()), serialize(messagesSample())];
  for (const s of samples) {
    for (let n = 0; n < s.length; n++) assert.throws(() => deserialize(s.subarray(0, n)), isTlError(), `prefix ${n}`);
    const longer = new Uint8Array(s.length + 4);
    longer.set(s);
    assert.throws(() => deserialize(longer), isTlError(/trailing/));
  }
});

test('corrupted input (random byte flips) → a value or TlError, never another error or a hang', () => {
  const base = serialize(messagesSample());
  const rand = rng(4242);
  for (let i = 0; i < 3000; i++) {
    const b = base.slice();
    const flips = 1 + ((rand() * 4) | 0);
    for (let k = 0; k < flips; k++) b[(rand() * b.length) | 0] = (rand() * 256) | 0;
    try {
      deserialize(b);
    } catch (e) {
      assert.ok(e instanceof TlError, `flip ${i}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
});

test('unknown constructor ids, undefined flag bits, bad vector lengths → TlError naming what and where', () => {
  assert.throws(() => deserialize(hex('efbeadde')), isTlError(/unknown constructor id 0xdeadbeef.*at byte 0/));
  // Inside an object: inputPeerUserFromMessage whose peer has an unknown id, at byte 4.
  assert.throws(() => deserialize(hex('1c0a7ba8efbeadde')), isTlError(/0xdeadbeef.*at byte 4/));
  // message flags with bit 0 (undefined in layer 228).
  const m = serialize(messagesSample()).slice();
  const at = toHex(m).indexOf('d3b90076') / 2; // first message#7600b9d3
  const dv = new DataView(m.buffer);
  dv.setInt32(at + 4, dv.getInt32(at + 4, true) | 1, true);
  assert.throws(() => deserialize(m), isTlError(new RegExp(`bits the schema does not define.*message at byte ${at + 4}`)));
  // A Vector<long> claiming 2^30 items in 8 bytes.
  const big = new TlWriter();
  big.uint(0x05162463); // resPQ
  big.int128(new Uint8Array(16));
  big.int128(new Uint8Array(16));
  big.bytes(new Uint8Array(0));
  big.uint(0x1cb5c415);
  big.int(1 << 30);
  big.long(1n);
  assert.throws(() => deserialize(big.result()), isTlError(/vector length 1073741824 does not fit.*Vector at byte 44/));
  assert.throws(() => deserialize(hex('15c4b51cffffffff')), isTlError(/vector length -1/));
  // A Bool field holding another id.
  const withBool = tlModel().defs.find((d) => d.boxable && d.params.length === 1 && d.params[0].type.kind === 'primitive' && d.params[0].type.name === 'Bool')!;
  const wb = new TlWriter();
  wb.uint(withBool.id);
  wb.uint(0x12345678);
  assert.throws(() => deserialize(wb.result()), isTlError(/boolTrue or boolFalse.*Bool at byte 4/));
  assert.throws(() => deserialize('x' as never), TypeError);
});

test('nesting deeper than the bound → TlError (reading and writing)', () => {
  // textBold#6724abc4 text:RichText, 10000 deep.
  const depth = 10000;
  const b = new Uint8Array(depth * 4 + 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < depth; i++) dv.setUint32(i * 4, 0x6724abc4, true);
  dv.setUint32(depth * 4, 0xdc3d824f, true); // textEmpty
  assert.throws(() => deserialize(b), isTlError(/nesting deeper/));
  let o: Record<string, unknown> = { _: 'textEmpty' };
  for (let i = 0; i < depth; i++) o = { _: 'textBold', text: o };
  assert.throws(() => serialize(o as never), isTlError(/nesting deeper/));
  // 100 levels are fine.
  let ok: Record<string, unknown> = { _: 'textEmpty' };
  for (let i = 0; i < 100; i++) ok = { _: 'textBold', text: ok };
  roundTrip(ok);
  // A cycle.
  const cyc: Record<string, unknown> = { _: 'textBold' };
  cyc.text = cyc;
  assert.throws(() => serialize(cyc as never), isTlError(/nesting deeper/));
});

test('writing bad objects → TlError naming the problem; the writer stays usable', () => {
  assert.throws(() => serialize({ _: 'nope' } as never), isTlError(/not a TL object/));
  assert.throws(() => serialize(null as never), isTlError(/not a TL object/));
  assert.throws(() => serialize({ _: 'inputPeerUser', userId: 1n } as never), isTlError(/long/));
  assert.throws(() => serialize({ _: 'inputPeerChat', chatId: 1 } as never), isTlError(/long/));
  assert.throws(() => serialize({ _: 'msgs_ack', msgIds: 5 } as never), isTlError(/array/));
  assert.throws(() => serialize({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n, entities: [{ _: 'nope' }] } as never), isTlError());
  assert.equal(toHex(serialize({ _: 'inputPeerSelf' })), 'c97ea07d');
});

test('serializeInto writes into a fixed region (e.g. WASM memory) and refuses to overflow it', () => {
  const target = new Uint8Array(128);
  const n = serializeInto(sendMessageSample(), target, 8);
  assert.equal(toHex(target.subarray(8, 8 + n)), toHex(serialize(sendMessageSample())));
  assert.throws(() => serializeInto(messagesSample(), target, 0), isTlError(/region full/));
});

test('gzip_packed: one inflate budget per message, so many packed objects cannot multiply the limit', () => {
  // msgs_ack with 300 000 zero ids: 2.4 MB inflated, a few KB packed.
  const big = serialize({ _: 'msgs_ack', msgIds: new Array<bigint>(300_000).fill(0n) });
  const packed = serialize({ _: 'gzip_packed', packedData: gzip(big) });
  const vector = (n: number) => {
    const out = new Uint8Array(8 + n * packed.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, 0x1cb5c415, true);
    dv.setInt32(4, n, true);
    for (let i = 0; i < n; i++) out.set(packed, 8 + i * packed.length);
    return out;
  };
  assert.equal((deserialize(vector(6)) as unknown[]).length, 6); // 14.4 MB in all: within the budget
  assert.throws(() => deserialize(vector(8)), TlError); // 19.2 MB in all: over it
});
