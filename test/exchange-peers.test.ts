// A real client no one here wrote — GramJS (`telegram` 2.26) — pointed at our server with our RSA key
// completes the key exchange over each TCP transport it offers; our server must hold the very auth key
// the client then uses, and decrypts and parses its first encrypted message (test/helpers/first-message.ts).
// Hard timeouts, clean shutdown.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TransportListener } from '../src/server/listener.ts';
import { handshakeService } from '../src/server/handshake-service.ts';
import { AuthKeyServer } from '../src/session/exchange/server.ts';
import { generateServerKey } from '../src/server/server-key.ts';
import { parseMtproxySecret } from '../src/transport/mtproxy.ts';
import { withTimeout } from './helpers/exchange.ts';
import { AuthKeyStore, queryChain, type FirstMessage } from './helpers/first-message.ts';

const require = createRequire(import.meta.url);
const { TelegramClient } = require('telegram');
const { StringSession } = require('telegram/sessions');
const network = require('telegram/network');
const { ConnectionTCPMTProxyAbridged } = require('telegram/network/connection/TCPMTProxy');
const { _serverKeys } = require('telegram/crypto/RSA');
const bigInt = require('big-integer');
const { Logger, LogLevel } = require('telegram/extensions/Logger');
const { PromisedWebSockets } = require('telegram/extensions/PromisedWebSockets');

const SECRET = 'fedcba9876543210fedcba9876543210';
const keys = new AuthKeyStore();
/** The first encrypted message, and how the server saw the connection it came on. */
type Received = { message: FirstMessage; transport: string };
let firstMessage: (received: Received) => void = () => undefined;
/** A server-side failure ends the waiting test at once (rather than at its timeout). */
let serverFailed: (error: Error) => void = () => undefined;
const serverErrors: Error[] = [];
let listener: TransportListener;

before(async () => {
  const { key } = generateServerKey();
  _serverKeys.set(key.fingerprint.toString(), { n: bigInt(key.n.toString()), e: Number(key.e) });
  const authKeys = new AuthKeyServer({ privateKey: key, onAuthKey: (k) => keys.add(k) });
  listener = await TransportListener.listen(
    { port: 0, secrets: [parseMtproxySecret(SECRET)], onError: (e) => (serverErrors.push(e), serverFailed(e)) },
    handshakeService({
      authKeys,
      onEncrypted: (payload, connection) => {
        firstMessage({ message: keys.open(payload), transport: connection.description }); // a failure goes to onError
        connection.close();
      },
      onError: (e) => {
      serverErrors.push(e);
      serverFailed(e);
    },
    }),
  );
});

after(() => {
  keys.dispose();
  return listener.close();
});

/** GramJS takes the port from its session only for WSS; force ours. */
function forced(Base: new (options: object) => object): new (options: object) => object {
  return class extends Base {
    constructor(options: object) {
      super({ ...options, ip: '127.0.0.1', port: listener.port });
    }
  };
}

async function gramjsExchange(options: object, expectedTransport: string): Promise<void> {
  const client = new TelegramClient(new StringSession(''), 12345, '0123456789abcdef0123456789abcdef', {
    // GramJS 2.26 drops a leading zero byte of g^ab (getByteArray(gab) in its Authenticator): 1 exchange in
    // 256 fails its own new_nonce_hash check against any server. A second attempt makes a new key.
    connectionRetries: 2,
    autoReconnect: false,
    timeout: 5,
    baseLogger: new Logger(LogLevel.NONE),
    deviceModel: 'mtproto-wasm test',
    systemVersion: 'loopback',
    appVersion: '9.9',
    ...options,
  });
  // The session stores the port as int16 (a high loopback port overflows it); the connection class forces ours.
  client.session.setDC(2, '127.0.0.1', 443);
  const received = new Promise<Received>((resolve, reject) => {
    firstMessage = resolve;
    serverFailed = reject;
  });
  void client.connect().catch(() => undefined); // never completes (we do not answer help.getConfig); destroy() ends it
  try {
    const { message, transport } = await withTimeout(received, 20_000, 'GramJS first encrypted message');
    assert.equal(transport, expectedTransport);
    const key = keys.created.get(message.authKeyId);
    assert.ok(key, `our server created the auth key GramJS uses (${message.authKeyId})`);
    assert.deepEqual(Buffer.from(client.session.getAuthKey().getKey()), Buffer.from(key.authKey));
    assert.equal(key.innerData, 'p_q_inner_data'); // GramJS 2.26 sends the dc-less constructor…
    assert.equal(key.rsaScheme, 'rsa_pad'); // …under RSA_PAD
    // Its first message, alone (no container): invokeWithLayer(198, initConnection(help.getConfig)), seq_no 1
    // (the first content-related message), under salt 0 — GramJS ignores the exchange's server salt and
    // waits for bad_server_salt to learn one.
    assert.equal(message.salt, 0n);
    assert.equal(message.seqNo, 1);
    assert.deepEqual(queryChain(message.body).map((q) => q._), ['invokeWithLayer', 'initConnection', 'help.getConfig']);
    const [layer, init] = queryChain(message.body);
    assert.equal(layer.layer, 198);
    assert.deepEqual({ ...init, query: undefined }, {
      _: 'initConnection', apiId: 12345, deviceModel: 'mtproto-wasm test', systemVersion: 'loopback', appVersion: '9.9',
      systemLangCode: 'en', langPack: '', langCode: 'en', params: undefined, query: undefined,
      // Through MTProxy, GramJS tells the server which proxy it came through.
      proxy: 'proxy' in options ? { _: 'inputClientProxy', address: '127.0.0.1', port: listener.port } : undefined,
    });
    assert.deepEqual(serverErrors, []);
  } finally {
    await withTimeout(client.destroy().catch(() => undefined), 5_000, 'GramJS destroy').catch(() => undefined);
  }
}

const tcp = [
  ['ConnectionTCPFull', 'tcp/full'],
  ['ConnectionTCPAbridged', 'tcp/abridged'],
  ['ConnectionTCPObfuscated', 'tcp/obfuscated/abridged'],
] as const;
for (const [name, seen] of tcp) {
  test(`GramJS 2.26 over ${name}: key exchange with our server, which decrypts and parses its first message`, { timeout: 40_000 }, () =>
    gramjsExchange({ connection: forced(network[name]) }, seen));
}

test('GramJS 2.26 through MTProxy (plain secret, obfuscated abridged): key exchange, first message parsed', { timeout: 40_000 }, () =>
  gramjsExchange({ proxy: { ip: '127.0.0.1', port: listener.port, secret: SECRET, MTProxy: true }, connection: ConnectionTCPMTProxyAbridged }, 'tcp/obfuscated/abridged'));

// What GramJS does in browsers, run in Node: its PromisedWebSockets (ws://…/apiws) carrying obfuscated abridged.
test('GramJS 2.26 over WebSocket (/apiws, obfuscated abridged): key exchange, first message parsed', { timeout: 40_000 }, () =>
  gramjsExchange({ connection: forced(network.ConnectionTCPObfuscated), networkSocket: PromisedWebSockets }, 'websocket/obfuscated/abridged'));
