// `npm run serve -- --port <p> [--host 127.0.0.1] [--rsa-key <private.pem>] [--print-public-key]
//                  [--mtproxy-secret <hex|dd…>] [--data-dir <dir> | --memory]`
// Starts the MTProto server (key exchange, sessions, sign-in, messages, files, updates): every TCP transport,
// WebSocket (/apiws) and HTTP (POST /api) on one port. Users, messages, files and auth keys live in
// --data-dir (default ./mtproto-data) and survive a restart; --memory keeps them in memory only.
// Without --rsa-key it uses ./mtproto-server.pem, generating and saving it (and its .pub) on first run.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { MtprotoServer } from '../server/mtproto-server.ts';
import { fingerprintHex, loadOrCreateServerKey } from '../server/server-key.ts';
import { formatMtproxySecret, parseMtproxySecret, type MtproxySecret } from '../transport/mtproxy.ts';
import { toHexString } from './format.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4430' },
    host: { type: 'string', default: '127.0.0.1' },
    'rsa-key': { type: 'string', default: 'mtproto-server.pem' },
    'print-public-key': { type: 'boolean', default: false },
    'mtproxy-secret': { type: 'string' },
    'data-dir': { type: 'string', default: 'mtproto-data' },
    memory: { type: 'boolean', default: false },
    dc: { type: 'string', default: '2' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0–65535), got "${values.port}"`);
  process.exit(2);
}

const dcId = Number(values.dc);
if (!Number.isInteger(dcId) || dcId < 1 || dcId > 9) {
  console.error(`--dc must be a DC id (1–9), got "${values.dc}"`);
  process.exit(2);
}
const dataDir = values.memory ? undefined : resolve(values['data-dir']);

const serverKey = loadOrCreateServerKey(values['rsa-key']);
if (values['print-public-key']) {
  process.stdout.write(serverKey.publicPem);
  process.exit(0);
}

let secret: MtproxySecret;
try {
  secret = values['mtproxy-secret'] ? parseMtproxySecret(values['mtproxy-secret']) : { secret: randomBytes(16), paddedOnly: true };
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const server = await MtprotoServer.listen({
  host: values.host,
  port,
  privateKey: serverKey.key,
  secrets: [secret],
  dcId,
  dataDir,
  onAuthKey: (key) => log(`auth key created: id ${toHexString(key.authKeyId)} (${key.temp ? 'temporary, ' : ''}${key.innerData}, ${key.rsaScheme})`),
  onError: (error) => log(error.message),
});
const listener = server.listener;

const address = `${listener.host}:${listener.port}`;
const secretHex = formatMtproxySecret(secret);
console.log(`mtproto-wasm server listening on ${address}
  tcp        ${address}  (abridged, intermediate, padded intermediate, full; plain or obfuscated)
  websocket  ws://${address}/apiws  (subprotocol "binary", obfuscated)
  http       http://${address}/api  (POST)
  rsa key    fingerprint ${fingerprintHex(serverKey.key.fingerprint)} (${BigInt.asIntN(64, serverKey.key.fingerprint)})
             ${serverKey.created ? 'generated and saved to' : 'loaded from'} ${serverKey.path}; public key in ${serverKey.path}.pub
  mtproxy secret: ${secretHex}
             tg://proxy?server=${listener.host}&port=${listener.port}&secret=${secretHex}
  data       ${dataDir ?? 'in memory (lost on exit)'}
  sign-in    test numbers 99966${dcId}XXXX, code ${String(dcId).repeat(5)}; chat with: npm run chat -- --port ${listener.port}`);

function log(message: string): void {
  console.log(`[${new Date().toISOString()}] ${message}`);
}

const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
