// A real client no one here wrote — GramJS (`telegram` 2.26) — pointed at our server with our RSA key
// completes the key exchange over each TCP transport it offers; our server must hold the very auth key
// the client then uses (the auth_key_id of its first encrypted packet). Hard timeouts, clean shutdown.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TransportListener } from '../src/server/listener.ts';
import { handshakeService } from '../src/server/handshake-service.ts';
import { AuthKeyServer, type CreatedAuthKey } from '../src/session/exchange/server.ts';
import { parseMtproxySecret } from '../src/transport/mtproxy.ts';
import { serverKey, withTimeout } from './helpers/exchange.ts';
import { toHex } from './helpers/vectors.ts';

const require = createRequire(import.meta.url);
const { TelegramClient } = require('telegram');
const { StringSession } = require('telegram/sessions');
const network = require('telegram/network');
const { ConnectionTCPMTProxyAbridged } = require('telegram/network/connection/TCPMTProxy');
const { _serverKeys } = require('telegram/crypto/RSA');
const bigInt = require('big-integer');
const { Logger, LogLevel } = require('telegram/extensions/Logger');

const SECRET = 'fedcba9876543210fedcba9876543210';
const created = new Map<string, CreatedAuthKey>();
let firstPacket: (authKeyId: string) => void = () => undefined;
const serverErrors: Error[] = [];
let listener: TransportListener;

before(async () => {
  const key = serverKey();
  _serverKeys.set(key.fingerprint.toString(), { n: bigInt(key.n.toString()), e: Number(key.e) });
  const authKeys = new AuthKeyServer({ privateKey: key, onAuthKey: (k) => created.set(toHex(k.authKeyId), k) });
  listener = await TransportListener.listen(
    { port: 0, secrets: [parseMtproxySecret(SECRET)] },
    handshakeService({
      authKeys,
      onEncrypted: (payload, connection) => {
        firstPacket(toHex(payload.subarray(0, 8)));
        connection.close();
      },
      onError: (e) => serverErrors.push(e),
    }),
  );
});

after(() => listener.close());

/** GramJS takes the port from its session only for WSS; force ours. */
function forced(Base: new (options: object) => object): new (options: object) => object {
  return class extends Base {
    constructor(options: object) {
      super({ ...options, ip: '127.0.0.1', port: listener.port });
    }
  };
}

async function gramjsExchange(options: object): Promise<void> {
  const client = new TelegramClient(new StringSession(''), 12345, '0123456789abcdef0123456789abcdef', {
    connectionRetries: 1,
    autoReconnect: false,
    timeout: 5,
    baseLogger: new Logger(LogLevel.NONE),
    ...options,
  });
  // The session stores the port as int16 (a high loopback port overflows it); the connection class forces ours.
  client.session.setDC(2, '127.0.0.1', 443);
  const packet = new Promise<string>((resolve) => (firstPacket = resolve));
  void client.connect().catch(() => undefined); // never completes (we do not answer help.getConfig); destroy() ends it
  try {
    const authKeyId = await withTimeout(packet, 20_000, 'GramJS first encrypted packet');
    const key = created.get(authKeyId);
    assert.ok(key, `our server created the auth key GramJS uses (${authKeyId})`);
    assert.deepEqual(Buffer.from(client.session.getAuthKey().getKey()), Buffer.from(key.authKey));
    assert.equal(key.innerData, 'p_q_inner_data'); // GramJS 2.26 sends the dc-less constructor…
    assert.equal(key.rsaScheme, 'rsa_pad'); // …under RSA_PAD
    assert.deepEqual(serverErrors, []);
  } finally {
    await withTimeout(client.destroy().catch(() => undefined), 5_000, 'GramJS destroy').catch(() => undefined);
  }
}

for (const name of ['ConnectionTCPFull', 'ConnectionTCPAbridged', 'ConnectionTCPObfuscated'] as const) {
  test(`GramJS 2.26 over ${name} creates an auth key with our server`, { timeout: 40_000 }, () =>
    gramjsExchange({ connection: forced(network[name]) }));
}

test('GramJS 2.26 through MTProxy (plain secret, obfuscated abridged) creates an auth key with our server', { timeout: 40_000 }, () =>
  gramjsExchange({ proxy: { ip: '127.0.0.1', port: listener.port, secret: SECRET, MTProxy: true }, connection: ConnectionTCPMTProxyAbridged }));
