// The server answers every session in the layer it announced (issue 8). Part 1 drives the session layer
// (SessionManager) with hand-made packets, as a client of layer 144, 158, 198, 227 or 228 would send them,
// and reads what comes back with that layer's schema: help.getConfig, help.getNearestDc, users.getUsers,
// auth.signIn, messages.sendMessage and pushed updates. Then one session switches layers, announces absurd
// layers, and sends a constructor of another layer: the server keeps answering. Part 2: GramJS 2.26
// (layer 198) and mtcute 0.30.3 (layer 227) against MtprotoServer: help.getConfig and users.getUsers (whose
// `user` differs in every layer) decoded by the clients themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TlBinaryWriter, __tlWriterMap } from '@mtcute/core/utils.js';
import type { CreatedAuthKey } from '../src/session/exchange/server.ts';
import { defaultMethods, type MethodHandler } from '../src/server/methods.ts';
import { MtprotoServer } from '../src/server/mtproto-server.ts';
import { generateServerKey } from '../src/server/server-key.ts';
import { SessionManager } from '../src/server/sessions.ts';
import { deserialize, serialize } from '../src/tl/codec.ts';
import { deserializeInLayer, serializeInLayer } from '../src/tl/layers/index.ts';
import type { TlObject } from '../src/tl/generated/types.ts';
import type { RsaPrivateKey } from '../src/crypto/rsa.ts';
import { toGram, toMtcute } from '../bench/tl-samples.ts';
import { withTimeout } from './helpers/exchange.ts';
import { gramjsClient, forcedConnection, isLeadingZeroKeyFailure } from './helpers/gramjs.ts';
import { mtcuteClient, tcpTransport } from './helpers/mtcute.ts';
import { authorizationSample, sentMessageSample, shortMessageSample, updatesSample, userSample } from './helpers/layer-samples.ts';
import { addTestKey, testSession, withLayer } from './helpers/layer-session.ts';

const require = createRequire(import.meta.url);
const LAYERS = [144, 158, 198, 227, 228];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const idAt = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(0, true);
const T = { timeout: 30_000 };

/** The methods the cloud will answer with, returning the model objects (layer 228) of the samples. */
function sampleMethods(): Map<string, MethodHandler> {
  const methods = defaultMethods();
  methods.set('users.getUsers', () => [userSample()] as unknown as TlObject);
  methods.set('auth.signIn', () => authorizationSample());
  methods.set('messages.sendMessage', () => sentMessageSample());
  return methods;
}

const NOW = 1_750_000_000_000;
const manager = new SessionManager({ host: '127.0.0.1', port: 4430, dcId: 2, methods: sampleMethods(), now: () => NOW });
const { key } = addTestKey(manager);
after(() => {
  manager.close();
  key.dispose();
});
const session = (sessionId: bigint) => testSession(manager, key, sessionId, () => NOW);

/** A request in layer N's form (model request → layer N: how a client of that layer writes it). */
const inLayer = (layer: number, request: object) => serializeInLayer(layer, request as never);
const initConnection = (query: object) => ({
  _: 'initConnection', apiId: 4, deviceModel: 'layer test', systemVersion: 'node', appVersion: '1', systemLangCode: 'en', langPack: 'tdesktop', langCode: 'en', query,
});
const signIn = { _: 'auth.signIn', phoneNumber: '9996621234', phoneCodeHash: 'abc', phoneCode: '22222' };
const sendMessage = { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'hi', randomId: 7n };
const getUsers = { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] };

let sessionIds = 100n;

for (const layer of LAYERS) {
  test(`layer ${layer}: help.getConfig, help.getNearestDc, users.getUsers, auth.signIn, messages.sendMessage and pushed updates come in layer ${layer}'s constructors`, () => {
    const s = session(sessionIds++);
    const config = s.call(withLayer(layer, inLayer(layer, initConnection({ _: 'help.getConfig' }))));
    const ours = manager.allSessions();
    const me = [...ours].at(-1)!;
    assert.equal(me.layer, layer);
    assert.equal(me.client?.langPack, 'tdesktop');
    assert.equal(me.client?.deviceModel, 'layer test');
    const expected = (o: object) => hex(serializeInLayer(layer, o as never));
    const c = deserializeInLayer(layer, config) as { thisDc: number; dcOptions: unknown[]; date: number };
    assert.equal(c.thisDc, 2);
    assert.equal(c.dcOptions.length, 2);
    assert.equal(c.date, NOW / 1000);
    // Later requests of the session, without invokeWithLayer, are read and answered in its layer.
    const nearest = s.call(inLayer(layer, { _: 'help.getNearestDc' }));
    assert.deepEqual(deserializeInLayer(layer, nearest), { _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 });
    const users = s.call(inLayer(layer, getUsers));
    assert.equal(hex(users), hex(serializeInLayer(layer, [userSample()] as never)), 'Vector<User> in this layer');
    const auth = s.call(inLayer(layer, signIn));
    assert.equal(hex(auth), expected(authorizationSample()));
    const sent = s.call(inLayer(layer, sendMessage));
    assert.equal(hex(sent), expected(sentMessageSample()));
    // Pushed updates: in the session's layer.
    manager.push(updatesSample(), (x) => x === me);
    manager.push(shortMessageSample(), (x) => x === me);
    const pushed = s.collect().others.filter((b) => [0x74ae4240, 0x313bc7f8].includes(idAt(b)));
    assert.deepEqual(pushed.map(hex), [expected(updatesSample()), expected(shortMessageSample())]);
    const ups = deserializeInLayer(layer, pushed[0]) as { updates: { message: { message: string } }[] };
    assert.equal(ups.updates[0].message.message, 'hello from layer 228');
    // For GramJS's and mtcute's layers: the same bytes their own writers make for these objects.
    for (const [bytes, obj] of [[config, null], [auth, authorizationSample()], [sent, sentMessageSample()], [pushed[0], updatesSample()], [pushed[1], shortMessageSample()]] as const) {
      if (obj === null) continue;
      if (layer === 198) assert.equal(hex(bytes), hex((toGram(obj) as { getBytes(): Buffer }).getBytes()));
      if (layer === 227) assert.equal(hex(bytes), hex(TlBinaryWriter.serializeObject(__tlWriterMap, toMtcute(obj) as never)));
    }
  });
}

test('one session switches layers mid-connection; absurd layers get the nearest held one; the server keeps answering', () => {
  const s = session(sessionIds++);
  const userId = (layer: number) => hex(serializeInLayer(layer, [userSample()] as never));
  assert.equal(hex(s.call(withLayer(144, inLayer(144, getUsers)))), userId(144));
  assert.equal(hex(s.call(inLayer(144, getUsers))), userId(144));
  assert.equal(hex(s.call(withLayer(227, inLayer(227, getUsers)))), userId(227));
  assert.equal(hex(s.call(inLayer(227, getUsers))), userId(227));
  assert.equal(hex(s.call(withLayer(200, inLayer(198, getUsers)))), userId(198), 'layer 200 → 198');
  for (const [absurd, held] of [[0, 144], [-1, 144], [2 ** 31 - 1, 228], [-(2 ** 31), 144], [160, 158]]) {
    const r = s.call(withLayer(absurd, inLayer(held, getUsers)));
    assert.equal(hex(r), userId(held), `layer ${absurd} → ${held}`);
  }
  // And back to the newest.
  assert.equal(hex(s.call(withLayer(228, serialize(getUsers as never)))), hex(serialize([userSample()] as never)));
});

test('a request in a constructor of another layer gets rpc_error 400, and the session goes on', () => {
  const s = session(sessionIds++);
  s.call(withLayer(144, inLayer(144, { _: 'help.getConfig' })));
  // messages.sendMessage in layer 228's form (fef48f62): not a layer-144 constructor.
  const wrong = s.call(serialize(sendMessage as never));
  const err = deserialize(wrong) as { _: string; errorCode: number; errorMessage: string };
  assert.equal(err._, 'rpc_error');
  assert.equal(err.errorCode, 400);
  assert.match(err.errorMessage, /^INPUT_/);
  // A layer-144 request whose nested object is 228's user form (b1b8cc83).
  const bad = inLayer(144, { _: 'help.getNearestDc' });
  assert.equal((deserialize(s.call(withLayer(144, serialize(userSample())))) as { errorCode: number }).errorCode, 400);
  assert.equal((deserializeInLayer(144, s.call(bad)) as { _: string })._, 'nearestDc');
  // Garbage after invokeWithLayer's layer, and a layer number with nothing after it.
  assert.equal((deserialize(s.call(withLayer(198, new Uint8Array([1, 2, 3, 4])))) as { errorCode: number }).errorCode, 400);
  assert.equal((deserialize(s.call(withLayer(198, new Uint8Array(0)))) as { errorCode: number }).errorCode, 400);
  // A newest-layer session reading an old layer's constructor: 400 as well.
  const fresh = session(sessionIds++);
  assert.equal((deserialize(fresh.call(inLayer(144, sendMessage))) as { errorCode: number }).errorCode, 400);
  assert.equal(hex(fresh.call(serialize({ _: 'help.getNearestDc' } as never))), hex(serialize({ _: 'nearestDc', country: 'ZZ', thisDc: 2, nearestDc: 2 } as never)));
});

test('pong and future_salts: own messages with the request\'s msg_id when sent bare; rpc_result inside an API wrapper (what mtcute\'s call() settles on)', () => {
  const s = session(sessionIds++);
  s.call(withLayer(198, inLayer(198, { _: 'help.getConfig' })));
  const ping = serialize({ _: 'ping', pingId: 5n } as never);
  const bare = s.send(ping, false);
  const pong = bare.out.others.map((b) => deserialize(b) as { _: string; msgId?: bigint }).find((o) => o._ === 'pong');
  assert.equal(pong?.msgId, bare.msgId);
  assert.equal(bare.out.results.size, 0);
  const wrapped = s.send(withLayer(198, ping));
  assert.deepEqual(deserialize(wrapped.out.results.get(wrapped.msgId)!), { _: 'pong', msgId: wrapped.msgId, pingId: 5n });
  assert.ok(!wrapped.out.others.some((b) => (deserialize(b) as { _: string })._ === 'pong'), 'no pong message besides the rpc_result');
  const salts = serialize({ _: 'get_future_salts', num: 2 } as never);
  const bareSalts = s.send(salts);
  const fs = bareSalts.out.others.map((b) => deserialize(b) as { _: string; reqMsgId?: bigint; salts?: unknown[] }).find((o) => o._ === 'future_salts');
  assert.equal(fs?.reqMsgId, bareSalts.msgId);
  assert.equal(fs?.salts?.length, 2);
  const wrappedSalts = deserialize(s.call(withLayer(198, salts))) as { _: string; salts: unknown[] };
  assert.equal(wrappedSalts._, 'future_salts');
  assert.equal(wrappedSalts.salts.length, 2);
});

// ---- Part 2: real clients of layers 198 and 227 ----

let privateKey: RsaPrivateKey;
let publicPem: string;
before(() => {
  const generated = generateServerKey();
  privateKey = generated.key;
  publicPem = generated.publicPem;
  const { _serverKeys } = require('telegram/crypto/RSA');
  const bigInt = require('big-integer');
  _serverKeys.set(privateKey.fingerprint.toString(), { n: bigInt(privateKey.n.toString()), e: Number(privateKey.e) });
});

async function listen(): Promise<{ server: MtprotoServer; errors: Error[]; keys: CreatedAuthKey[] }> {
  const errors: Error[] = [];
  const keys: CreatedAuthKey[] = [];
  const server = await MtprotoServer.listen({
    port: 0, privateKey, onError: (e) => errors.push(e), onAuthKey: (k) => keys.push(k),
    methods: { 'users.getUsers': () => [userSample()] as unknown as TlObject },
  });
  return { server, errors, keys };
}

test('GramJS 2.26 (layer 198): help.getConfig and users.getUsers decoded by GramJS; its session speaks 198', T, async () => {
  const network = require('telegram/network');
  const { Api } = require('telegram');
  const { server, errors, keys } = await listen();
  const client = gramjsClient(3, { connection: forcedConnection(network.ConnectionTCPFull, server.port) });
  client._errorHandler = async (error: Error) => {
    if (!isLeadingZeroKeyFailure(error, keys.at(-1))) errors.push(error);
  };
  try {
    await withTimeout(client.connect(), 10_000, 'GramJS connect');
    const config: any = await withTimeout(client.invoke(new Api.help.GetConfig()), 5_000, 'GramJS help.getConfig'); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(config.className, 'Config');
    assert.equal(config.thisDc, 2);
    assert.ok(Math.abs(config.date - Date.now() / 1000) < 60);
    assert.deepEqual(config.dcOptions.map((o: { ipAddress: string; port: number }) => [o.ipAddress, o.port]), [['127.0.0.1', server.port], ['127.0.0.1', server.port]]);
    const users: any = await withTimeout(client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })), 5_000, 'GramJS users.getUsers');
    assert.equal(users[0].className, 'User');
    assert.equal(users[0].firstName, 'Ada');
    assert.equal(users[0].id.toString(), '1000001');
    assert.equal(users[0].status.className, 'UserStatusOnline');
    const layers = [...server.sessions.allSessions()].map((s) => s.layer);
    assert.ok(layers.includes(198), `session layers ${layers}`);
    assert.deepEqual(errors.map((e) => e.message), []);
  } finally {
    await withTimeout(client.destroy().catch(() => undefined), 5_000, 'GramJS destroy').catch(() => undefined);
    await server.close();
  }
});

test('mtcute 0.30.3 (layer 227): help.getConfig and users.getUsers decoded by mtcute; its session speaks 227', T, async () => {
  const { server, errors, keys } = await listen();
  let client: ReturnType<typeof mtcuteClient> | undefined;
  try {
    let config: { _: string; thisDc: number; date: number; dcOptions: { ipAddress: string; port: number }[] } | undefined;
    // mtcute 0.30.3 loses 1 key in 256 (a leading zero byte, see test/peers-mtcute.test.ts): a fresh client then.
    for (let attempt = 1; attempt <= 4 && !config; attempt++) {
      client = mtcuteClient(server.port, publicPem, tcpTransport());
      const made = keys.length;
      const got = await withTimeout(client.call({ _: 'help.getConfig' }), 10_000, 'mtcute help.getConfig').catch((e: Error) => e);
      if (!(got instanceof Error)) config = got as never;
      else {
        assert.ok(keys[made]?.authKey[0] === 0, `mtcute failed for another reason: ${got.message}`);
        await client.destroy().catch(() => undefined);
      }
    }
    assert.ok(config);
    assert.equal(config._, 'config');
    assert.equal(config.thisDc, 2);
    assert.ok(Math.abs(config.date - Date.now() / 1000) < 60);
    assert.deepEqual(config.dcOptions.map((o) => [o.ipAddress, o.port]), [['127.0.0.1', server.port], ['127.0.0.1', server.port]]);
    const users = (await withTimeout(client!.call({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }), 5_000, 'mtcute users.getUsers')) as { _: string; firstName: string; id: number }[];
    assert.equal(users[0]._, 'user');
    assert.equal(users[0].firstName, 'Ada');
    assert.equal(Number(users[0].id), 1_000_001);
    assert.ok([...server.sessions.allSessions()].some((s) => s.layer === 227));
    assert.deepEqual(errors.map((e) => e.message), []);
  } finally {
    if (client) await withTimeout(client.destroy().catch(() => undefined), 5_000, 'mtcute destroy').catch(() => undefined);
    await server.close();
  }
});
