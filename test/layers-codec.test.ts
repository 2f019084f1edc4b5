// The old-layer codecs (src/tl/layers/): model objects (layer 228) written in layers 144, 158, 198, 227
// and 228 carry that layer's constructor ids (read from the layer's .tl file, not from the codec), read
// back the same, and for 198 and 227 are byte-identical to GramJS 2.26 (layer 198) and mtcute 0.30.3
// (layer 227), whose readers also decode them. Requests those clients write are lifted into the model.
// Unknown layers, foreign constructors and missing fields follow the documented rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TlBinaryReader, TlBinaryWriter, __tlReaderMap, __tlWriterMap } from '@mtcute/core/utils.js';
import Long from 'long';
import { TlError } from '../src/errors.ts';
import { deserialize, serialize } from '../src/tl/codec.ts';
import { codecForLayer, deserializeInLayer, heldLayer, HELD_LAYERS, NEWEST_LAYER, serializeInLayer } from '../src/tl/layers/index.ts';
import { parseSchema } from '../src/tl/schema/parser.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import { toGram, toMtcute } from '../bench/tl-samples.ts';
import { modelSamples, userSample } from './helpers/layer-samples.ts';

const require = createRequire(import.meta.url);
const { Api } = require('telegram');
const { BinaryReader } = require('telegram/extensions');
const bigInt = require('big-integer');

const LAYERS = [144, 158, 198, 227, 228];
const FILES: Record<number, string> = { 144: 'layers/api-144.tl', 158: 'layers/api-158.tl', 198: 'layers/api-198.tl', 227: 'layers/api-227.tl', 228: 'api.tl' };
const idsOf = new Map<number, Map<string, number>>();
/** The id of `name` in layer N, straight from the layer's schema file (independent of the codec). */
function schemaId(layer: number, name: string): number | undefined {
  if (!idsOf.has(layer)) {
    const text = readFileSync(new URL(`../src/tl/schema/${FILES[layer]}`, import.meta.url), 'utf8');
    idsOf.set(layer, new Map(parseSchema(text).entries.map((e) => [e.name, e.id])));
  }
  return idsOf.get(layer)!.get(name);
}
const idAt = (b: Uint8Array, at = 0) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? hex(x) : x)));

test('layer numbers: nearest held layer at or below; below the oldest the oldest; none announced the newest', () => {
  assert.deepEqual(HELD_LAYERS, [144, 158, 198, 227, 228]);
  assert.equal(NEWEST_LAYER, 228);
  const cases: [number | undefined, number][] = [
    [undefined, 228], [228, 228], [229, 228], [2 ** 31 - 1, 228], [227, 227], [226, 198], [199, 198], [198, 198],
    [160, 158], [150, 144], [144, 144], [143, 144], [0, 144], [-1, 144], [-(2 ** 31), 144], [Number.NaN, 144],
  ];
  for (const [asked, held] of cases) assert.equal(heldLayer(asked), held, `layer ${asked}`);
  assert.equal(codecForLayer(undefined), undefined, 'the newest layer is the generated codec');
  assert.equal(codecForLayer(2 ** 31 - 1), undefined);
  assert.equal(codecForLayer(0)?.layer, 144);
  assert.equal(codecForLayer(200)?.layer, 198);
});

for (const layer of LAYERS) {
  test(`layer ${layer}: config, nearestDc, user, auth.authorization, updateShortSentMessage, updates, updateShortMessage carry layer ${layer}'s ids and read back`, () => {
    for (const [what, obj] of modelSamples()) {
      const bytes = serializeInLayer(layer, obj);
      const name = (obj as { _: string })._;
      assert.equal(idAt(bytes), schemaId(layer, name), `${what}: the id of ${name} in layer ${layer}`);
      const back = deserializeInLayer(layer, bytes) as TlObject;
      assert.equal(back._, name);
      // Read back and written again: the same bytes (nothing lost that layer N has).
      assert.equal(hex(serializeInLayer(layer, back)), hex(bytes), `${what}: stable in layer ${layer}`);
    }
    // Nested objects too: the user inside auth.authorization and the message inside updates.
    const auth = serializeInLayer(layer, modelSamples()[3][1]);
    assert.equal(idAt(auth, 8), schemaId(layer, 'user'), 'auth.authorization.user');
    const ups = deserializeInLayer(layer, serializeInLayer(layer, modelSamples()[5][1])) as { updates: { message: { message: string; id: number; fromId: unknown } }[] };
    assert.equal(ups.updates[0].message.message, 'hello from layer 228');
    assert.deepEqual(plain(ups.updates[0].message.fromId), { _: 'peerUser', userId: '1000002n' });
    const config = deserializeInLayer(layer, serializeInLayer(layer, modelSamples()[0][1])) as { thisDc: number; date: number; dcOptions: { ipAddress: string; port: number }[] };
    assert.equal(config.thisDc, 2);
    assert.equal(config.date, 1_750_000_000);
    assert.deepEqual(config.dcOptions.map((d) => [d.ipAddress, d.port]), [['127.0.0.1', 4430], ['127.0.0.1', 4430]]);
    const user = deserializeInLayer(layer, serializeInLayer(layer, userSample())) as { id: bigint; firstName: string; phone: string; self: boolean };
    assert.deepEqual([user.id, user.firstName, user.phone, user.self], [1_000_001n, 'Ada', '9996621234', true]);
  });
}

test('layer 228 stays on the generated codec: the same bytes as serialize()', () => {
  for (const [, obj] of modelSamples()) assert.equal(hex(serializeInLayer(228, obj)), hex(serialize(obj)));
});

test('layer 198: byte-identical to GramJS 2.26 for the same objects, and GramJS reads ours', () => {
  for (const [what, obj] of modelSamples()) {
    const ours = serializeInLayer(198, obj);
    const gram = (toGram(obj) as { getBytes(): Buffer }).getBytes();
    assert.equal(hex(ours), hex(gram), what);
    const read = new BinaryReader(Buffer.from(ours)).tgReadObject();
    assert.equal(read.CONSTRUCTOR_ID >>> 0, idAt(ours), what);
    assert.equal(hex(read.getBytes()), hex(ours), `${what}: GramJS writes back what it read`);
  }
});

test('layer 227: byte-identical to mtcute 0.30.3 for the same objects, and mtcute reads ours', () => {
  for (const [what, obj] of modelSamples()) {
    const ours = serializeInLayer(227, obj);
    const theirs = TlBinaryWriter.serializeObject(__tlWriterMap, toMtcute(obj) as never);
    assert.equal(hex(ours), hex(theirs), what);
    const read = TlBinaryReader.deserializeObject(__tlReaderMap, ours) as { _: string };
    assert.equal(read._, (obj as { _: string })._);
    assert.equal(hex(TlBinaryWriter.serializeObject(__tlWriterMap, read as never)), hex(ours), `${what}: mtcute writes back what it read`);
  }
});

test('requests: GramJS (198) and mtcute (227) invokeWithLayer(initConnection(messages.sendMessage)) are lifted into the model', () => {
  const gram = new Api.InvokeWithLayer({
    layer: 198,
    query: new Api.InitConnection({
      apiId: 7, deviceModel: 'gram', systemVersion: 'node', appVersion: '2.26', systemLangCode: 'en', langPack: '', langCode: 'en',
      query: new Api.messages.SendMessage({ peer: new Api.InputPeerUser({ userId: bigInt(5), accessHash: bigInt(6) }), message: 'hi', randomId: bigInt(99), noWebpage: true }),
    }),
  }).getBytes();
  const lifted = deserializeInLayer(198, gram) as { layer: number; query: { apiId: number; query: Record<string, unknown> } };
  assert.equal(lifted.layer, 198);
  assert.equal(lifted.query.apiId, 7);
  const send = lifted.query.query;
  assert.equal(send._, 'messages.sendMessage');
  assert.deepEqual(plain({ peer: send.peer, message: send.message, randomId: send.randomId, noWebpage: send.noWebpage }),
    { peer: { _: 'inputPeerUser', userId: '5n', accessHash: '6n' }, message: 'hi', randomId: '99n', noWebpage: true });
  // In the model's shape: exactly the fields the newest layer's reader gives, in its order.
  const modelShape = deserialize(serialize({ _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: '', randomId: 0n } as never)) as object;
  assert.deepEqual(Object.keys(send), Object.keys(modelShape));
  // Not readable in 228: sendMessage changed id since 198.
  assert.throws(() => deserialize(new Uint8Array(gram.subarray(8 + 0))), TlError);

  const mt = TlBinaryWriter.serializeObject(__tlWriterMap, {
    _: 'invokeWithLayer', layer: 227,
    query: { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'to me', randomId: Long.fromNumber(5) },
  } as never);
  const liftedMt = deserializeInLayer(227, mt) as { query: { _: string; message: string; randomId: bigint } };
  assert.deepEqual([liftedMt.query._, liftedMt.query.message, liftedMt.query.randomId], ['messages.sendMessage', 'to me', 5n]);
});

test('invokeWithLayer inside a request reads its query in the layer it names', () => {
  // A layer-144 codec reading invokeWithLayer(198, messages.sendMessage in 198's form).
  const inner = serializeInLayer(198, { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n } as never);
  const wrapped = new Uint8Array(8 + inner.length);
  new DataView(wrapped.buffer).setUint32(0, 0xda9b0d0d, true);
  new DataView(wrapped.buffer).setInt32(4, 198, true);
  wrapped.set(inner, 8);
  const o = codecForLayer(144)!.deserialize(wrapped) as { query: { _: string; message: string } };
  assert.deepEqual([o.query._, o.query.message], ['messages.sendMessage', 'x']);
  // The same bytes claimed as layer 144 are not a 144 sendMessage (its id differs): refused.
  new DataView(wrapped.buffer).setInt32(4, 144, true);
  assert.throws(() => codecForLayer(144)!.deserialize(wrapped), TlError);
});

test('defaults: fields an old layer requires and the model lacks are written as 0/""/false/[]/default objects; lifted requests get the model\'s', () => {
  // config in 144 requires saved_gifs_limit, stickers_faved_limit, pinned_dialogs_count_max, pinned_infolder_count_max (0 each).
  const c144 = codecForLayer(144)!;
  const config = c144.deserialize(c144.serialize(modelSamples()[0][1])) as Record<string, unknown>;
  assert.equal(config.thisDc, 2);
  assert.ok(!('savedGifsLimit' in config), 'lifted into the model: fields only 144 has are dropped');
  // A minimal model object: every required field of 144's user defaulted.
  const u = c144.deserialize(c144.serialize({ _: 'user', id: 5n } as never)) as Record<string, unknown>;
  assert.equal(u.id, 5n);
  assert.equal(u.self, false);
  // A model object carrying a field by an old layer's name is written in that layer (fields match by name).
  const withOld = c144.serialize({ ...modelSamples()[0][1], savedGifsLimit: 200 } as never);
  assert.notEqual(hex(withOld), hex(c144.serialize(modelSamples()[0][1])));
  // Lifting 144's updateMessagePollVote (user_id) into the model (peer: Peer, positions: Vector<int>): defaults.
  const vote = { _: 'updateMessagePollVote', pollId: 3n, userId: 9n, options: [new Uint8Array([1])], qts: 4 } as never;
  const lifted = c144.deserialize(c144.serialize(vote)) as Record<string, unknown>;
  assert.deepEqual(plain(lifted.peer), { _: 'peerUser', userId: '0n' });
  assert.deepEqual(lifted.positions, []);
  assert.equal(lifted.qts, 4);
  assert.ok(!('userId' in lifted));
});

test('foreign constructors: a model object an old layer cannot express, and an old id the newest cannot read, are TlErrors naming type and layer', () => {
  // messages.sendMessage's model form has no counterpart id issue (same name), but a constructor new since 144 does.
  const newer = { _: 'inputPeerSelf' } as never;
  assert.doesNotThrow(() => serializeInLayer(144, newer));
  const modelOnly = ['starGiftUnique', 'messageMediaToDo', 'updateBotPurchasedPaidMedia', 'peerColor'].find((n) => schemaId(228, n) !== undefined && schemaId(144, n) === undefined)!;
  assert.ok(modelOnly, 'some constructor exists only in the model');
  assert.throws(() => serializeInLayer(144, { _: modelOnly } as never), (e: unknown) =>
    e instanceof TlError && /has no counterpart in layer 144/.test(e.message) && typeof e.type === 'string' && e.type.length > 0);
  assert.throws(() => serializeInLayer(198, { _: 'noSuchThing' } as never), (e: unknown) => e instanceof TlError && /layer 198/.test(e.message));
  // 144's user (3ff6ecb0) bytes: the newest layer and layer 198 refuse them; layer 144 reads them.
  const old = serializeInLayer(144, userSample());
  assert.throws(() => deserialize(old), TlError);
  assert.throws(() => deserializeInLayer(198, old), (e: unknown) => e instanceof TlError && /layer 198/.test(e.message));
  assert.equal((deserializeInLayer(144, old) as { firstName: string }).firstName, 'Ada');
  // A constructor whose name the model lost: read in its old layer, refused with a clear message.
  const lost = [...idsOf.get(144)!.keys()].find((n) => schemaId(228, n) === undefined && /^[a-z]/.test(n.split('.').pop()!) && n !== 'null')!;
  assert.ok(lost, 'some 144 constructor is gone in 228');
  const lostBytes = codecForLayer(144)!.serialize({ _: lost } as never); // written in 144 (its fields defaulted)
  assert.equal(idAt(lostBytes), schemaId(144, lost));
  assert.throws(() => deserializeInLayer(144, lostBytes), (e: unknown) => e instanceof TlError && /has no counterpart in the model \(layer 228\)/.test(e.message));
});

test('the fast path: constructors identical in both layers use the generated codec (most of 227)', () => {
  const c227 = codecForLayer(227)!;
  for (const name of ['nearestDc', 'dcOption', 'config', 'help.getConfig', 'rpc_error', 'pong']) assert.ok(c227.fast.has(name), name);
  for (const name of ['user', 'rpc_result', 'invokeWithLayer']) assert.ok(!c227.fast.has(name), name);
  assert.ok(c227.fast.size > 1500, `fast constructors in 227: ${c227.fast.size}`);
  assert.ok(!codecForLayer(144)!.fast.has('config'));
});
