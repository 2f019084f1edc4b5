// `npm start`: the main job on the embedded default. Part 1 checks the WASM core against node:crypto;
// part 2 starts our MTProto server in this process on 127.0.0.1, connects a client over every transport,
// creates an auth key, makes real RPC calls and shows their round-trip times, then reconnects with the
// stored key to show that it is reused instead of created again. Part 3 (src/cli/demo-cloud.ts): two users
// sign in, chat with live updates, send a large file with progress bars and matching SHA-256, and open a
// secret chat. The server keeps its data in a temporary directory (removed at the end).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MtprotoClient, type ClientEvent } from '../client/client.ts';
import { FileStorage } from '../client/storage/file.ts';
import { MtprotoServer } from '../server/mtproto-server.ts';
import { fingerprintHex, generateServerKey } from '../server/server-key.ts';
import type { ConnectOptions } from '../transport/connect.ts';
import { parseMtproxySecret } from '../transport/mtproxy.ts';
import { cloudDemo } from './demo-cloud.ts';
import { toHexString } from './format.ts';
import { showcase } from './showcase.ts';

const started = performance.now();
const coreOk = showcase();

console.log('\nmtproto-wasm: our client against our MTProto server, over real sockets on 127.0.0.1\n');
const secret = parseMtproxySecret('dd' + toHexString(crypto.getRandomValues(new Uint8Array(16))));
const serverKey = generateServerKey();
const dataDir = mkdtempSync(join(tmpdir(), 'mtproto-wasm-demo-'));
const server = await MtprotoServer.listen({ port: 0, privateKey: serverKey.key, secrets: [secret], dataDir: join(dataDir, 'server') });
console.log(`server: 127.0.0.1:${server.port}, every transport on one port; RSA key fingerprint ${fingerprintHex(serverKey.key.fingerprint)}\n`);

type Transport = Omit<ConnectOptions, 'host' | 'port'>;
const transports: Array<[string, Transport]> = [
  ['TCP abridged', { carrier: 'tcp', codec: 'abridged' }],
  ['TCP intermediate', { carrier: 'tcp', codec: 'intermediate' }],
  ['TCP padded intermediate', { carrier: 'tcp', codec: 'padded' }],
  ['TCP full (seq_no + CRC32)', { carrier: 'tcp', codec: 'full' }],
  ['TCP obfuscated2', { carrier: 'tcp', codec: 'intermediate', obfuscated: true }],
  ['MTProxy (dd secret)', { carrier: 'tcp', codec: 'padded', secret }],
  ['WebSocket /apiws', { carrier: 'websocket', codec: 'intermediate' }],
  ['HTTP POST /api', { carrier: 'http' }],
];

const storagePath = join(dataDir, 'session.json');
let failures = 0;

async function session(label: string, transport: Transport, storage = new FileStorage(join(dataDir, `${label.replace(/\W+/g, '-')}.json`))) {
  let created: boolean | undefined;
  const client = new MtprotoClient({
    host: '127.0.0.1',
    port: server.port,
    transport,
    publicKeys: [server.publicKey],
    storage,
    storageName: 'demo',
    pingIntervalMs: 0,
    onEvent: (event: ClientEvent) => {
      if (event.type === 'connected') created ??= event.authKeyCreated; // the first connection tells
    },
  });
  try {
    let t = performance.now();
    await client.connect();
    const connectMs = performance.now() - t;
    t = performance.now();
    const config = await client.invoke({ _: 'help.getConfig' });
    const configMs = performance.now() - t;
    const nearest = await client.invoke({ _: 'help.getNearestDc' });
    const pings: number[] = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      const pong = await client.invoke({ _: 'ping', pingId: BigInt(i) });
      if (pong._ !== 'pong' || pong.pingId !== BigInt(i)) throw new Error('pong does not match its ping');
      pings.push(performance.now() - t);
    }
    pings.sort((a, b) => a - b);
    const key = (await storage.get('demo'))!.authKey;
    console.log(
      `✔ ${label.padEnd(26)} ${created ? 'auth key created' : 'stored key reused'} in ${connectMs.toFixed(0).padStart(4)} ms` +
        ` · help.getConfig ${configMs.toFixed(1).padStart(5)} ms (this_dc ${config.thisDc}, ${config.dcOptions.length} dc options)` +
        ` · nearest dc ${nearest.nearestDc} · ping median ${pings[10].toFixed(2)} ms · key ${toHexString(key.subarray(0, 4))}…`,
    );
    return key;
  } catch (error) {
    failures++;
    console.log(`✘ ${label.padEnd(26)} ${(error as Error).message}`);
    return undefined;
  } finally {
    await client.close();
  }
}

for (const [label, transport] of transports) await session(label, transport);

console.log('\nReconnecting with a file-backed session (a second run of the same app):');
const first = await session('first run', { carrier: 'tcp' }, new FileStorage(storagePath));
const second = await session('second run', { carrier: 'tcp' }, new FileStorage(storagePath));
const reused = first !== undefined && second !== undefined && first.every((b, i) => b === second[i]);
console.log(reused ? `  the second run reused the auth key stored in ${storagePath}` : '  ✘ the second run did not reuse the stored key');
if (!reused) failures++;

failures += await cloudDemo(server, { dir: dataDir });

await server.close();
rmSync(dataDir, { recursive: true, force: true });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(failures === 0 && coreOk ? `\nEverything worked (${seconds} s).` : `\n${failures} step(s) failed.`);
process.exit(failures === 0 && coreOk ? 0 : 1);
