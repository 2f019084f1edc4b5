// MTProto 2.0 message encrypt+frame and deframe+decrypt at 100 B, 1 KiB and 64 KiB (intermediate framing:
// a 4-byte length in front of the packet). Every impl starts from the same serialized body and ends with
// the frame bytes (encrypt) or the checked body (decrypt):
//   ours fused       body laid into the arena (stands in for serializing there), sealMessageInPlace, frame
//                    length written in front, one slice out; decrypt: one copy in, openMessageInPlace, the
//                    body stays in the arena for the TL reader.
//   ours fused, raw  the same with the 256-byte auth key passed per call instead of a loaded key slot.
//   ours unfused     the TS composition: msg_key (sha256 of a concat), KDF (kdf.ts), aesIgeEncrypt, concat.
//   ours pure TS     src/crypto/js sealMessage/openMessage + frame concat.
//   mtcute           @mtcute/core's AuthKey.encryptMessage/decryptMessage steps (createAesIgeForMessage and
//                    its msg_key computation) over a crypto provider built on @mtcute/wasm (sha256, IGE).
import { randomBytes } from 'node:crypto';
import { createAesIgeForMessage } from '@mtcute/core/utils.js';
import type { BenchCase } from '../harness.ts';
import { mtcute } from '../peers.ts';
import * as wasm from '../../src/crypto/message.ts';
import * as js from '../../src/crypto/js/message.ts';
import { aesIgeDecrypt, aesIgeEncrypt } from '../../bindings/aes.ts';
import { messageAesKeyIv, messageKey, authKeyId } from '../../src/crypto/kdf.ts';
import { concatBytes, constantTimeEqual } from '../../src/crypto/bytes.ts';

const SIZES: [string, number][] = [['100 B', 100], ['1 KiB', 1024], ['64 KiB', 65536]];
const FRAME = 4;

function frame(packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME + packet.length);
  new DataView(out.buffer).setUint32(0, packet.length, true);
  out.set(packet, FRAME);
  return out;
}

const concat2 = (a: Uint8Array, b: Uint8Array) => { const o = new Uint8Array(a.length + b.length); o.set(a); o.set(b, a.length); return o; };
const concat3 = (a: Uint8Array, b: Uint8Array, c: Uint8Array) => concatBytes(a, b, c);

export function cases(): BenchCase[] {
  const m = mtcute();
  // A crypto provider as @mtcute/web builds it on @mtcute/wasm.
  const provider = {
    sha1: m.sha1, sha256: m.sha256,
    createAesIge: (key: Uint8Array, iv: Uint8Array) => ({
      encrypt: (d: Uint8Array) => m.ige256Encrypt(d, key, iv),
      decrypt: (d: Uint8Array) => m.ige256Decrypt(d, key, iv),
    }),
    randomFill: (b: Uint8Array<ArrayBuffer>) => crypto.getRandomValues(b),
  };
  const authKey = randomBytes(256);
  const keyId = authKeyId(authKey);
  const wk = wasm.loadAuthKey(authKey);
  const jk = js.loadAuthKey(authKey);
  const fields = { salt: 0x1122334455667788n, sessionId: 0x0102030405060708n, msgId: 0x6000000000000004n, seqNo: 1 };
  const { view, offset } = wasm.messageArena();
  const dv = new DataView(view.buffer);
  const out: BenchCase[] = [];

  for (const [name, size] of SIZES) {
    const body = randomBytes(size & ~3);
    const n = body.length;

    // mtcute AuthKey.encryptMessage (client side): message = msg_id | seq_no | length | body.
    const mtcuteEncrypt = () => {
      const message = new Uint8Array(16 + n);
      const mdv = new DataView(message.buffer);
      mdv.setBigInt64(0, fields.msgId, true); mdv.setUint32(8, fields.seqNo, true); mdv.setUint32(12, n, true);
      message.set(body, 16);
      let padding = (16 + message.length + 12) % 16;
      padding = 12 + (padding ? 16 - padding : 0);
      const buf = new Uint8Array(16 + message.length + padding);
      const bdv = new DataView(buf.buffer);
      bdv.setBigInt64(0, fields.salt, true); bdv.setBigInt64(8, fields.sessionId, true);
      buf.set(message, 16);
      provider.randomFill(buf.subarray(16 + message.length));
      const messageKey = provider.sha256(concat2(authKey.subarray(88, 120), buf)).subarray(8, 24);
      const ige = createAesIgeForMessage(provider as never, authKey, messageKey, true);
      return frame(concat3(keyId, messageKey, ige.encrypt(buf)));
    };

    out.push({
      group: 'message encrypt+frame', name, bytes: n,
      impls: [
        {
          label: 'ours fused (arena)', run: () => {
            view.set(body, offset + FRAME + 56);
            const len = wasm.sealMessageInPlace(offset + FRAME, n, wk, 0, fields);
            dv.setUint32(offset, len, true);
            return view.slice(offset, offset + FRAME + len);
          },
        },
        {
          label: 'ours fused, raw key', run: () => {
            view.set(body, offset + FRAME + 56);
            const len = wasm.sealMessageInPlace(offset + FRAME, n, authKey, 0, fields);
            dv.setUint32(offset, len, true);
            return view.slice(offset, offset + FRAME + len);
          },
        },
        {
          label: 'ours unfused (TS composition)', run: () => {
            const pad = js.paddingLength(n);
            const pt = new Uint8Array(32 + n + pad);
            const pdv = new DataView(pt.buffer);
            pdv.setBigInt64(0, fields.salt, true); pdv.setBigInt64(8, fields.sessionId, true);
            pdv.setBigInt64(16, fields.msgId, true); pdv.setUint32(24, fields.seqNo, true); pdv.setUint32(28, n, true);
            pt.set(body, 32);
            crypto.getRandomValues(pt.subarray(32 + n));
            const msgKey = messageKey(authKey, pt, 0);
            const { key, iv } = messageAesKeyIv(authKey, msgKey, 0);
            return frame(concatBytes(keyId, msgKey, aesIgeEncrypt(pt, key, iv)));
          },
        },
        { label: 'ours pure TS', run: () => frame(js.sealMessage(jk, fields, body, 0)) },
        { label: 'mtcute (@mtcute/wasm)', run: mtcuteEncrypt },
      ],
    });

    // Server → client packets (x = 8), framed.
    const packet = wasm.sealMessage(wk, fields, body, 8);
    const framed = frame(packet);
    out.push({
      group: 'message deframe+decrypt', name, bytes: n,
      impls: [
        {
          label: 'ours fused (arena)', run: () => {
            const len = new DataView(framed.buffer).getUint32(0, true);
            view.set(framed.subarray(FRAME, FRAME + len), offset);
            return wasm.openMessageInPlace(offset, len, wk, 8, fields.sessionId);
          },
        },
        {
          label: 'ours fused, raw key', run: () => {
            const len = new DataView(framed.buffer).getUint32(0, true);
            view.set(framed.subarray(FRAME, FRAME + len), offset);
            return wasm.openMessageInPlace(offset, len, authKey, 8, fields.sessionId);
          },
        },
        {
          label: 'ours unfused (TS composition)', run: () => {
            const len = new DataView(framed.buffer).getUint32(0, true);
            const p = framed.subarray(FRAME, FRAME + len);
            const msgKey = p.subarray(8, 24);
            const { key, iv } = messageAesKeyIv(authKey, msgKey, 8);
            const pt = aesIgeDecrypt(p.subarray(24, 24 + ((len - 24) & ~15)), key, iv);
            const ok = constantTimeEqual(messageKey(authKey, pt, 8), msgKey) && constantTimeEqual(p.subarray(0, 8), keyId);
            const pdv = new DataView(pt.buffer);
            const length = pdv.getUint32(28, true);
            if (!ok || pdv.getBigInt64(8, true) !== fields.sessionId || length % 4 || length > pt.length - 32) throw new Error('bad');
            return pt.subarray(32, 32 + length);
          },
        },
        { label: 'ours pure TS', run: () => js.openMessage(jk, framed.subarray(FRAME), 8, fields.sessionId) },
        {
          label: 'mtcute (@mtcute/wasm)', run: () => {
            // AuthKey.decryptMessage's steps (client side), minus its TL reader.
            const len = new DataView(framed.buffer).getUint32(0, true);
            const data = framed.subarray(FRAME, FRAME + len);
            const messageKey = data.subarray(8, 24);
            let encryptedData = data.subarray(24);
            const mod16 = encryptedData.byteLength % 16;
            if (mod16 !== 0) encryptedData = encryptedData.subarray(0, encryptedData.byteLength - mod16);
            const ige = createAesIgeForMessage(provider as never, authKey, messageKey, false);
            const innerData = ige.decrypt(encryptedData);
            const expected = provider.sha256(concat2(authKey.subarray(96, 128), innerData)).subarray(8, 24);
            let diff = 0;
            for (let i = 0; i < 16; i++) diff |= expected[i] ^ messageKey[i];
            const idv = new DataView(innerData.buffer, innerData.byteOffset);
            const length = idv.getUint32(28, true);
            if (diff || idv.getBigInt64(8, true) !== fields.sessionId || length > innerData.length - 32 || length % 4) throw new Error('bad');
            return innerData.subarray(32, 32 + length);
          },
        },
      ],
    });
  }
  return out;
}
