// The cross-runtime suite: `npx deno run -A test/runtimes/suite.ts`, `npx bun test/runtimes/suite.ts` (and
// `node --import tsx test/runtimes/suite.ts`). Crypto known answers (WASM core and pure-TS twins), TL round
// trips, and full client sessions (auth key + RPC) over TCP, WebSocket and HTTP against the loopback server,
// with the client in this runtime. It imports the package root, which must load unchanged everywhere.
import * as root from '../../src/index.ts';
import * as js from '../../src/crypto/js/index.ts';
import { bytesOf, vectorSet } from '../helpers/vectors.ts';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { equal, fromHex, hex, ok, run, runtime, test } from './harness.ts';
import { readmeExample } from './readme-example.ts';
import { startServer, type LoopbackServer } from './server.ts';

const text = (s: string) => new TextEncoder().encode(s);
const big = (b: Uint8Array) => BigInt('0x' + (hex(b) || '0'));
const impls = [['wasm', root], ['ts', js]] as const;
// Loosely typed TL entry points (the generated union of every TL object is too large to check literals against here).
const ser = root.serialize as (obj: object) => Uint8Array;
const de = root.deserialize as (bytes: Uint8Array) => unknown;

// FIPS 180-2 appendix examples ("abc", the empty message, the 448-bit two-block message).
const FIPS: [string, string, string][] = [
  ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
];

test('sha1/sha256: FIPS 180 examples and one million "a"', () => {
  for (const [name, m] of impls) {
    for (const [msg, want1, want256] of FIPS) {
      equal(hex(m.sha1(text(msg))), want1, `${name} sha1 "${msg}"`);
      equal(hex(m.sha256(text(msg))), want256, `${name} sha256 "${msg}"`);
    }
    const million = new Uint8Array(1_000_000).fill(0x61);
    equal(hex(m.sha1(million)), '34aa973cd4c4daa4f61eeb2bdbad27316534016f', `${name} sha1 million`);
    equal(hex(m.sha256(million)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0', `${name} sha256 million`);
  }
});

test('AES-256-IGE [ige.mtcute_256] and AES-256-CTR [ctr.mtcute]', () => {
  const ige = vectorSet('ige.mtcute_256');
  const [key, iv, pt, ct] = ['key', 'iv', 'plaintext', 'ciphertext'].map((k) => bytesOf(ige, k));
  const ctr = vectorSet('ctr.mtcute');
  for (const [name, m] of impls) {
    equal(hex(m.aesIgeEncrypt(pt, key, iv)), hex(ct), `${name} IGE encrypt`);
    equal(hex(m.aesIgeDecrypt(ct, key, iv)), hex(pt), `${name} IGE decrypt`);
    const enc = m.createAesCtr(bytesOf(ctr, 'key'), bytesOf(ctr, 'iv'));
    for (let i = 0; i < 6; i++) equal(hex(enc.process(bytesOf(ctr, 'plaintext_each'))), hex(bytesOf(ctr, `ciphertext_${i}`)), `${name} CTR call ${i}`);
    enc.dispose();
  }
});

test('modPow: the official auth-key sample (g_b and auth_key)', () => {
  const s = vectorSet('tg.samples_auth_key.rev2025');
  const p = big(bytesOf(s, 'dh_prime'));
  const b = big(bytesOf(s, 'b'));
  for (const [name, m] of impls) {
    equal(m.modPow(s.get('g') as bigint, b, p), big(bytesOf(s, 'g_b')), `${name} g_b`);
    equal(m.modPow(big(bytesOf(s, 'g_a')), b, p), big(bytesOf(s, 'auth_key')), `${name} auth_key`);
  }
  equal(hex(root.sha1(bytesOf(s, 'auth_key'))), hex(bytesOf(s, 'auth_key_sha1')), 'auth_key_sha1');
});

test('factorizePQ: [factorization] and the sample pq', () => {
  const set = vectorSet('factorization');
  const sample = vectorSet('tg.samples_auth_key.rev2025');
  const cases: [bigint, bigint, bigint][] = [[sample.get('pq') as bigint, sample.get('p') as bigint, sample.get('q') as bigint]];
  for (const [k, v] of set) if (k.startsWith('pq_')) cases.push([v as bigint, set.get(`p_${k.slice(3)}`) as bigint, set.get(`q_${k.slice(3)}`) as bigint]);
  equal(cases.length, 6, 'cases');
  for (const [name, m] of impls) {
    for (const [pq, p, q] of cases) {
      const [a, b] = m.factorizePQ(pq);
      equal(`${a},${b}`, `${p},${q}`, `${name} ${pq}`);
    }
  }
});

test('crc32: check value and the "full" transport frame CRCs', () => {
  const set = vectorSet('transport.framing');
  const payload = Uint8Array.from({ length: 128 }, (_, i) => i);
  for (const [name, m] of impls) {
    equal(m.crc32(text('123456789')), 0xcbf43926, `${name} check value`);
    for (const seq of ['seq0', 'seq1']) {
      const frame = new Uint8Array([...bytesOf(set, `full_128_${seq}_head`), ...payload]);
      const want = new DataView(bytesOf(set, `full_128_${seq}_crc`).buffer).getUint32(0, true);
      equal(m.crc32(frame), want, `${name} ${seq}`);
    }
  }
});

test('TL: known serializations and round trips', () => {
  const s = vectorSet('tl.serialization');
  const fps = [0xd09d1d85de64fd85n, 0x0bc35f3509f7b7a5n, 0xc3b42b026ce86b21n].map((x) => BigInt.asIntN(64, x));
  const ping = ser({ _: 'ping', pingId: 0x1234567812345678n });
  equal(hex(ping.subarray(4)), '7856341278563412', 'ping body');
  const req = ser({ _: 'req_pq_multi', nonce: fromHex('3e0549828cca27e966b301a48fece2fc') });
  equal(hex(req), 'f18e7ebe3e0549828cca27e966b301a48fece2fc', 'req_pq_multi (official sample)');
  ok(hex(s.get('vector_long_3_fps_sample2025') as Uint8Array).startsWith('15c4b51c03000000'), 'vector header');
  const objects: object[] = [
    { _: 'ping', pingId: -5n },
    { _: 'help.getConfig' },
    { _: 'resPQ', nonce: new Uint8Array(16).fill(1), serverNonce: new Uint8Array(16).fill(2), pq: fromHex('17ed48941a08f981'), serverPublicKeyFingerprints: fps },
    { _: 'help.getCountriesList', langCode: 'ünïcødé 😀 ru', hash: 7 },
  ];
  for (const obj of objects) {
    const bytes = ser(obj);
    const back = de(bytes) as object;
    equal(hex(ser(back)), hex(bytes), `round trip ${(obj as { _: string })._}`);
  }
  equal((de(ser(objects[3])) as { langCode: string }).langCode, 'ünïcødé 😀 ru', 'utf8');
});

let server: LoopbackServer | undefined;
test('loopback server starts (Node child process)', async () => {
  server = await startServer();
}, 40_000);

type Transport = root.MtprotoClientOptions['transport'];
const transports: [string, Transport][] = [
  ['tcp intermediate', { carrier: 'tcp' }],
  ['tcp obfuscated abridged', { carrier: 'tcp', codec: 'abridged', obfuscated: true }],
  ['websocket', { carrier: 'websocket' }],
  ['http', { carrier: 'http' }],
];
for (const [name, transport] of transports) {
  test(`client session over ${name}: auth key, help.getConfig, ping, help.getNearestDc`, async () => {
    ok(server, 'no server');
    const client = new root.MtprotoClient({
      host: server!.host, port: server!.port, publicKeys: [root.parsePublicKeyPem(server!.publicKeyPem)], transport, pingIntervalMs: 0, timeoutMs: 10_000,
    });
    try {
      await client.connect();
      const config = await client.invoke({ _: 'help.getConfig' });
      equal(config._, 'config', 'help.getConfig');
      const pong = await client.invoke({ _: 'ping', pingId: 77n });
      equal(pong.pingId, 77n, 'pong');
      equal((await client.invoke({ _: 'help.getNearestDc' })).thisDc, 2, 'thisDc');
      const many = await Promise.all(Array.from({ length: 50 }, (_, i) => client.invoke({ _: 'ping', pingId: BigInt(i) })));
      equal(many.map((p) => Number(p.pingId)).join(), Array.from({ length: 50 }, (_, i) => i).join(), '50 pings');
    } finally {
      await client.close();
    }
  });
}

let phoneSeq = 1000; // a fresh server per run: fixed test numbers are unique within it
// The high-level client in this runtime: two users sign in (test numbers), one sends the other a message
// (received live from the updates iterator) and a 1.5 MB file (downloaded and compared byte for byte).
for (const [name, transport] of [['tcp', { carrier: 'tcp' }], ['websocket', { carrier: 'websocket' }]] as [string, Transport][]) {
  test(`TelegramClient over ${name}: sign-in, a live message, a file both ways`, async () => {
    ok(server, 'no server');
    const options = { host: server!.host, port: server!.port, publicKeys: [root.parsePublicKeyPem(server!.publicKeyPem)], transport, pingIntervalMs: 0, timeoutMs: 10_000 };
    const alice = new root.TelegramClient(options);
    const bob = new root.TelegramClient(options);
    const phone = () => `999662${String(phoneSeq++).padStart(4, '0')}`;
    try {
      await alice.connect();
      await bob.connect();
      await alice.signIn(phone(), undefined, { firstName: 'Alice' });
      const me = await bob.signIn(phone(), undefined, { firstName: 'Bob' });
      const toBob = { _: 'inputPeerUser' as const, userId: me.id, accessHash: me.accessHash! };
      const received = (async () => {
        for await (const update of bob.updates) {
          const message = (update as { message?: { message?: string; out?: boolean } }).message;
          if (update._ === 'updateNewMessage' && message && !message.out && message.message === `hi from ${runtime}`) return message;
        }
      })();
      await alice.sendMessage(toBob, `hi from ${runtime}`);
      ok(await received, 'the message arrived live');
      const data = new Uint8Array(1_500_000).map((_, i) => (i * 7919) >>> 3);
      const sent = await alice.sendFile(toBob, data, { name: 'r.bin' });
      const chunks: Uint8Array[] = [];
      await bob.downloadFile(sent, { write: (chunk: Uint8Array) => void chunks.push(chunk.slice()) });
      const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) (got.set(c, at), (at += c.length));
      equal(hex(root.sha256(got)), hex(root.sha256(data)), 'the downloaded file');
    } finally {
      await alice.close();
      await bob.close();
    }
  });
}

test(`README example for ${runtime} (run as written, against the loopback server)`, async () => {
  ok(server, 'no server');
  const dir = new URL('../artifacts/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`readme-${runtime}.ts`, dir);
  const sessionFile = new URL(`readme-${runtime}-session.json`, dir);
  rmSync(sessionFile, { force: true });
  // Node and Bun resolve the package root to src/node.ts (export conditions node, bun); Deno and browsers to src/index.ts.
  const module = runtime === 'deno' ? '../../src/index.ts' : '../../src/node.ts';
  writeFileSync(file, readmeExample(runtime, { module, port: server!.port, publicKeyPath: server!.publicKeyPath, sessionPath: sessionFile.pathname }));
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    await import(file.href);
  } finally {
    console.log = log;
  }
  equal(lines.join('\n'), 'dc 2, pong 1', 'the example prints');
});

await run('cross-runtime suite', () => server?.stop());
