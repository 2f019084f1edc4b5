// AES-256-IGE (MTProto message encryption) and AES-256-CTR (obfuscated transports) against the peers.
// CTR impls are long-lived streams (each op continues the keystream), the fair analogue of ours;
// @noble/ciphers has no streaming CTR, so it builds a cipher per op.
import { createCipheriv, randomBytes } from 'node:crypto';
import { ctr as nobleCtr } from '@noble/ciphers/aes.js';
import type { BenchCase } from '../harness.ts';
import { gramjs, mtcute } from '../peers.ts';
import * as wasm from '../../src/index.ts';
import * as js from '../../src/crypto/js/index.ts';

const SIZES: [string, number][] = [['64 B', 64], ['1 KiB', 1024], ['1 MiB', 1 << 20]];

export function cases(): BenchCase[] {
  const m = mtcute();
  const key = randomBytes(32);
  const iv32 = randomBytes(32);
  const iv16 = randomBytes(16);
  const out: BenchCase[] = [];
  for (const [name, size] of SIZES) {
    const data = randomBytes(size);
    const enc = wasm.aesIgeEncrypt(data, key, iv32);
    const encBuf = Buffer.from(enc);
    const gram = new gramjs.IGE(key, iv32);
    out.push({
      group: 'aes-256-ige encrypt', name, bytes: size,
      impls: [
        { label: 'ours (wasm)', run: () => wasm.aesIgeEncrypt(data, key, iv32) },
        { label: 'ours (js)', run: () => js.aesIgeEncrypt(data, key, iv32) },
        { label: '@mtcute/wasm', run: () => m.ige256Encrypt(data, key, iv32) },
        { label: 'GramJS', run: () => gram.encryptIge(data) },
      ],
    });
    out.push({
      group: 'aes-256-ige decrypt', name, bytes: size,
      impls: [
        { label: 'ours (wasm)', run: () => wasm.aesIgeDecrypt(enc, key, iv32) },
        { label: 'ours (js)', run: () => js.aesIgeDecrypt(enc, key, iv32) },
        { label: '@mtcute/wasm', run: () => m.ige256Decrypt(enc, key, iv32) },
        { label: 'GramJS', run: () => gram.decryptIge(encBuf) },
      ],
    });
  }
  for (const [name, size] of SIZES) {
    const data = randomBytes(size);
    const ours = wasm.createAesCtr(key, iv16);
    const oursJs = js.createAesCtr(key, iv16);
    const node = createCipheriv('aes-256-ctr', key, iv16);
    const mctx = m.createCtr256(key, iv16);
    const gram = new gramjs.CTR(key, iv16);
    out.push({
      group: 'aes-256-ctr', name, bytes: size,
      impls: [
        { label: 'ours (wasm)', run: () => ours.process(data) },
        { label: 'ours (js)', run: () => oursJs.process(data) },
        { label: 'node:crypto (stream)', run: () => node.update(data) },
        { label: 'node:crypto (per op)', run: () => createCipheriv('aes-256-ctr', key, iv16).update(data) },
        { label: '@mtcute/wasm', run: () => m.ctr256(mctx, data) },
        { label: 'GramJS', run: () => gram.encrypt(data) },
        { label: '@noble/ciphers (per op)', run: () => nobleCtr(key, iv16).encrypt(data) },
      ],
    });
  }
  return out;
}
