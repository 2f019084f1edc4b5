// The WASM core against node:crypto and BigInt: the first part of `npm start`.
// Each primitive runs on fresh random input, its answer is checked against an independent
// reference, and the time per call is shown beside the reference's.
import { createCipheriv, createDiffieHellman, createHash, randomBytes } from 'node:crypto';
import * as core from '../index.ts';
import * as js from '../crypto/js/index.ts';
import { TELEGRAM_DH_PRIME } from '../crypto/dh.ts';

interface Row { what: string; ok: boolean; ours: number; reference: number; refName: string }
const rows: Row[] = [];

function timeIt(fn: () => unknown, minMs = 60): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    count++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (elapsed * 1000) / count; // µs per call
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function show(what: string, ours: () => Uint8Array | bigint | number, ref: () => Uint8Array | bigint | number, refName: string) {
  const a = ours();
  const b = ref();
  const ok = a instanceof Uint8Array && b instanceof Uint8Array ? same(a, b) : a === b;
  rows.push({ what, ok, ours: timeIt(ours), reference: timeIt(ref), refName });
}

/** AES-256-IGE from node:crypto's single-block ECB, the textbook way (reference only). */
function igeReference(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  const ecb = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = new Uint8Array(data.length);
  let prevCipher = iv.subarray(0, 16);
  let prevPlain = iv.subarray(16, 32);
  for (let i = 0; i < data.length; i += 16) {
    const block = data.subarray(i, i + 16).map((x, j) => x ^ prevCipher[j]);
    const enc = ecb.update(block).map((x, j) => x ^ prevPlain[j]);
    out.set(enc, i);
    prevCipher = out.subarray(i, i + 16);
    prevPlain = data.subarray(i, i + 16);
  }
  return out;
}

/** Runs every primitive against its reference and prints a table; false if any answer differed. */
export function showcase(): boolean {
  const kib = randomBytes(1024);
  const mib = randomBytes(1 << 20);
  const key = randomBytes(32);
  const iv32 = randomBytes(32);
  const iv16 = randomBytes(16);

  show('SHA-1, 1 KiB', () => core.sha1(kib), () => createHash('sha1').update(kib).digest(), 'node:crypto');
  show('SHA-256, 1 KiB', () => core.sha256(kib), () => createHash('sha256').update(kib).digest(), 'node:crypto');
  show('SHA-256, 1 MiB', () => core.sha256(mib), () => createHash('sha256').update(mib).digest(), 'node:crypto');
  show('AES-256-IGE encrypt, 1 MiB', () => core.aesIgeEncrypt(mib, key, iv32), () => igeReference(mib, key, iv32), 'node:crypto ECB + IGE chaining');
  show('AES-256-CTR, 1 MiB', () => core.createAesCtr(key, iv16).process(mib), () => createCipheriv('aes-256-ctr', key, iv16).update(mib), 'node:crypto');
  show('CRC32, 1 MiB', () => core.crc32(mib), () => js.crc32(mib), 'pure-TS twin');

  // 2048-bit Diffie–Hellman step with Telegram's standard prime and g = 3, as in the auth-key exchange.
  const dhPrime = TELEGRAM_DH_PRIME;
  const secret = BigInt('0x' + randomBytes(256).toString('hex'));
  const dh = createDiffieHellman(Buffer.from(dhPrime.toString(16), 'hex'), Buffer.from([3]));
  dh.setPrivateKey(Buffer.from(secret.toString(16).padStart(512, '0'), 'hex'));
  show('modPow 2048-bit (g^b mod p)', () => core.modPow(3n, secret, dhPrime), () => {
    dh.generateKeys();
    return BigInt('0x' + dh.getPublicKey('hex'));
  }, 'node:crypto DH');

  const pq = 1372318559046200203n; // from Telegram's published auth-key sample
  show('factorizePQ (63-bit pq)', () => core.factorizePQ(pq)[0], () => js.factorizePQ(pq)[0], 'pure-TS twin');

  console.log('mtproto-wasm: the WASM core against independent references (time per call; speed = reference time ÷ ours)\n');
  const w = Math.max(...rows.map((r) => r.what.length));
  for (const r of rows) {
    const speed = r.reference / r.ours;
    console.log(
      `${r.ok ? '✔ same answer' : '✘ DIFFERENT  '}  ${r.what.padEnd(w)}  ours ${fmt(r.ours).padStart(10)}  vs ${r.refName} ${fmt(r.reference).padStart(10)}  speed ${speed.toFixed(2)}×`,
    );
  }
  const bad = rows.filter((r) => !r.ok);
  console.log(bad.length ? `\n${bad.length} primitive(s) disagreed with the reference.` : '\nEvery primitive agreed with its reference.');
  console.log('Full side-by-side figures against the peers (GramJS, mtcute, noble): npm run bench');
  return bad.length === 0;
}

function fmt(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`;
}
