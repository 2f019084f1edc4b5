// SHA-1 and SHA-256 at 64 B, 1 KiB, 1 MiB; CRC32 at 1 KiB and 1 MiB.
// Impls: ours (WASM), ours (pure TS), node:crypto, @mtcute/wasm, @noble/hashes. GramJS has no sync SHA of
// its own (it calls node:crypto / Web Crypto), so it is not measured.
import { createHash } from 'node:crypto';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { BenchCase } from '../harness.ts';
import { mtcute } from '../peers.ts';
import { sha1, sha256 } from '../../bindings/sha.ts';
import { crc32 } from '../../bindings/crc32.ts';
import { sha1 as sha1Js } from '../../src/crypto/js/sha1.ts';
import { sha256 as sha256Js } from '../../src/crypto/js/sha256.ts';
import { crc32 as crc32Js } from '../../src/crypto/js/crc32.ts';

const SIZES: [string, number][] = [['64 B', 64], ['1 KiB', 1024], ['1 MiB', 1 << 20]];

function input(length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 131 + 7) & 0xff;
  return data;
}

export function cases(): BenchCase[] {
  const m = mtcute();
  const out: BenchCase[] = [];
  for (const [name, length] of SIZES) {
    const data = input(length);
    const buf = Buffer.from(data);
    out.push({
      group: 'sha1', name, bytes: length,
      impls: [
        { label: 'ours (WASM)', run: () => sha1(data) },
        { label: 'ours (pure TS)', run: () => sha1Js(data) },
        { label: 'node:crypto', run: () => createHash('sha1').update(buf).digest() },
        { label: '@mtcute/wasm', run: () => m.sha1(data) },
        { label: '@noble/hashes', run: () => nobleSha1(data) },
      ],
    });
    out.push({
      group: 'sha256', name, bytes: length,
      impls: [
        { label: 'ours (WASM)', run: () => sha256(data) },
        { label: 'ours (pure TS)', run: () => sha256Js(data) },
        { label: 'node:crypto', run: () => createHash('sha256').update(buf).digest() },
        { label: '@mtcute/wasm', run: () => m.sha256(data) },
        { label: '@noble/hashes', run: () => nobleSha256(data) },
      ],
    });
  }
  for (const [name, length] of SIZES.slice(1)) {
    const data = input(length);
    out.push({
      group: 'crc32', name, bytes: length,
      impls: [
        { label: 'ours (WASM)', run: () => crc32(data) },
        { label: 'ours (pure TS)', run: () => crc32Js(data) },
      ],
    });
  }
  return out;
}
