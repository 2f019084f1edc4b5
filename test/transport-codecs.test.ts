// Transport framings and obfuscation: published vectors, both directions, quick acks, error codes,
// byte-by-byte delivery, and hostile frames (oversize, bad CRC, wrong seq_no, bad header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteQueue } from '../src/transport/byte-queue.ts';
import { createCodec, type CodecName } from '../src/transport/codecs/index.ts';
import type { FrameCodec, Incoming } from '../src/transport/codec.ts';
import { acceptObfuscatedHeader, createObfuscatedHeader } from '../src/transport/obfuscated.ts';
import { parseMtproxySecret, formatMtproxySecret } from '../src/transport/mtproxy.ts';
import { detectTransport } from '../src/transport/sniff.ts';
import { TransportError } from '../src/errors.ts';
import { bytesOf, hex, toHex, vectorSet } from './helpers/vectors.ts';
import { seededBytes } from './helpers/random.ts';

const framing = vectorSet('transport.framing');
const payload128 = Uint8Array.from({ length: 128 }, (_, i) => i);
const CODECS: CodecName[] = ['abridged', 'intermediate', 'padded', 'full'];

function decodeAll(codec: FrameCodec, bytes: Uint8Array, chunk = bytes.length): Incoming[] {
  const queue = new ByteQueue(1 << 26);
  const out: Incoming[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    queue.push(bytes.subarray(at, at + chunk));
    for (let frame; (frame = codec.decode(queue)); ) out.push(frame);
  }
  assert.equal(queue.length, 0, 'bytes left over');
  return out;
}

test('full: published frames (seq 0 and 1, CRC32)', () => {
  const full = createCodec('full', { side: 'client' });
  assert.equal(toHex(full.encode(new Uint8Array(0))), toHex(bytesOf(framing, 'full_empty_seq0')));
  const f0 = createCodec('full', { side: 'client' }).encode(payload128);
  assert.equal(toHex(f0.subarray(0, 8)), toHex(bytesOf(framing, 'full_128_seq0_head')));
  const f1 = createCodec('full', { side: 'client' });
  f1.encode(new Uint8Array(0)); // seq 0 used
  const frame1 = f1.encode(payload128);
  assert.equal(toHex(frame1.subarray(0, 8)), toHex(bytesOf(framing, 'full_128_seq1_head')));
  assert.equal(toHex(frame1.subarray(136)), toHex(bytesOf(framing, 'full_128_seq1_crc')));
  assert.equal(toHex(f0.subarray(136)), toHex(bytesOf(framing, 'full_128_seq0_crc')));
});

test('abridged and intermediate: published lengths, tags and error frames', () => {
  const abridged = createCodec('abridged', { side: 'client' });
  assert.equal(toHex(abridged.tag), toHex(bytesOf(framing, 'abridged_init')));
  assert.equal(toHex(abridged.encode(payload128).subarray(0, 1)), toHex(bytesOf(framing, 'abridged_128_len')));
  assert.equal(toHex(abridged.encode(new Uint8Array(1024)).subarray(0, 4)), toHex(bytesOf(framing, 'abridged_1024_len')));
  const intermediate = createCodec('intermediate', { side: 'client' });
  assert.equal(toHex(intermediate.tag), toHex(bytesOf(framing, 'intermediate_init')));
  assert.equal(toHex(intermediate.encode(payload128).subarray(0, 4)), toHex(bytesOf(framing, 'intermediate_128_len')));
  assert.equal(toHex(createCodec('padded', { side: 'client' }).tag), toHex(bytesOf(framing, 'padded_intermediate_init')));
  const server = (name: CodecName) => createCodec(name, { side: 'server' });
  assert.equal(toHex(server('intermediate').encodeError(-404)), toHex(bytesOf(framing, 'intermediate_error_frame')));
  assert.equal(toHex(server('abridged').encodeError(-404)), toHex(bytesOf(framing, 'abridged_error_frame')));
  for (const [code, key] of [[-404, 'transport_error_minus404_payload'], [-429, 'transport_error_minus429_payload'], [-444, 'transport_error_minus444_payload']] as const) {
    for (const name of CODECS) {
      const frames = decodeAll(createCodec(name, { side: 'client' }), server(name).encodeError(code));
      assert.deepEqual(frames, [{ type: 'error', code }], `${name} ${code}`);
    }
    assert.equal(toHex(server('intermediate').encodeError(code).subarray(4)), toHex(bytesOf(framing, key)));
  }
});

test('every codec: payloads of many sizes round-trip both ways, whole and byte by byte', () => {
  for (const name of CODECS) {
    for (const [from, to] of [['client', 'server'], ['server', 'client']] as const) {
      const sender = createCodec(name, { side: from });
      const receiver = createCodec(name, { side: to });
      const payloads = [8, 12, 16, 252, 504, 508, 512, 4096, 65536].map((n, i) => seededBytes(i + 1, n));
      const wire = payloads.map((p) => sender.encode(p));
      const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
      wire.reduce((at, w) => (all.set(w, at), at + w.length), 0);
      for (const chunk of [all.length, 1, 7]) {
        const r = createCodec(name, { side: to });
        const frames = decodeAll(chunk === all.length ? receiver : r, all, chunk);
        assert.equal(frames.length, payloads.length, `${name} ${from}→${to} chunk ${chunk}`);
        frames.forEach((f, i) => {
          assert.equal(f.type, 'packet');
          const got = (f as { payload: Uint8Array }).payload;
          // padded intermediate appends 0–15 random bytes: the payload is a prefix of the frame
          assert.deepEqual(got.subarray(0, payloads[i].length), payloads[i]);
          assert.ok(name === 'padded' ? got.length - payloads[i].length < 16 : got.length === payloads[i].length);
        });
      }
    }
  }
});

test('quick acks: requested by the client, answered by the server, for every codec that has them', () => {
  const token = 2543324666; // the derived token of the mtcute encrypt vector
  const vector = vectorSet('encrypt.mtcute_client');
  assert.equal(toHex(createCodec('intermediate', { side: 'server' }).encodeQuickAck(token)), toHex(bytesOf(vector, 'quick_ack_intermediate_rx')));
  assert.equal(toHex(createCodec('abridged', { side: 'server' }).encodeQuickAck(token)), toHex(bytesOf(vector, 'quick_ack_abridged_rx')));
  for (const name of ['abridged', 'intermediate', 'padded'] as const) {
    const client = createCodec(name, { side: 'client' });
    const server = createCodec(name, { side: 'server' });
    for (const size of [16, 1024]) {
      const [got] = decodeAll(server, client.encode(new Uint8Array(size), { quickAck: true }));
      assert.ok(got.type === 'packet' && got.quickAck === true, name);
      // padded intermediate adds 0–15 random bytes after the payload
      assert.deepEqual(got.type === 'packet' && got.payload.subarray(0, size), new Uint8Array(size), name);
    }
    assert.deepEqual(decodeAll(client, server.encodeQuickAck(token)), [{ type: 'quickAck', token }], name);
  }
  assert.throws(() => createCodec('full', { side: 'client' }).encode(new Uint8Array(8), { quickAck: true }), TransportError);
});

test('hostile frames: oversize declared lengths, bad CRC, wrong seq_no, unaligned abridged', () => {
  const oversize: Array<[CodecName, Uint8Array]> = [
    ['abridged', hex('7fffffff')],
    ['intermediate', hex('ffffff7f')],
    ['padded', hex('00000101')],
    ['full', hex('fcffff7f00000000')],
  ];
  for (const [name, bytes] of oversize) {
    assert.throws(() => decodeAll(createCodec(name, { side: 'server', maxFrame: 1 << 20 }), bytes), (e: unknown) => e instanceof TransportError && /limit/.test(e.message), name);
  }
  const frame = createCodec('full', { side: 'client' }).encode(payload128);
  const corrupt = frame.slice();
  corrupt[20] ^= 1;
  assert.throws(() => decodeAll(createCodec('full', { side: 'server' }), corrupt), /CRC32 mismatch/);
  const second = createCodec('full', { side: 'client' });
  second.encode(payload128);
  assert.throws(() => decodeAll(createCodec('full', { side: 'server' }), second.encode(payload128)), /seq_no 1, expected 0/);
  assert.throws(() => decodeAll(createCodec('full', { side: 'server' }), hex('0a000000')), /multiple of 4/);
  assert.throws(() => createCodec('abridged', { side: 'client' }).encode(new Uint8Array(5)), TransportError);
  const queue = new ByteQueue(16);
  assert.throws(() => queue.push(new Uint8Array(17)), TransportError);
});

test('obfuscated2: the published header, frames and replies (mtcute vectors)', () => {
  const v = vectorSet('obf2.mtcute_default');
  const { header, obfuscation } = createObfuscatedHeader('intermediate', { random: () => bytesOf(v, 'random64') });
  assert.equal(toHex(header), toHex(bytesOf(v, 'header_sent')));
  assert.equal(toHex(obfuscation.encrypt(bytesOf(v, 'frame_plain'))), toHex(bytesOf(v, 'frame1_enc')));
  assert.equal(toHex(obfuscation.encrypt(bytesOf(v, 'frame_plain'))), toHex(bytesOf(v, 'frame2_enc')));
  assert.equal(toHex(obfuscation.decrypt(bytesOf(v, 'rx1_enc'))), toHex(bytesOf(v, 'frame_plain')));
  assert.equal(toHex(obfuscation.decrypt(bytesOf(v, 'rx2_enc'))), toHex(bytesOf(v, 'frame_plain')));

  // The server side opens the same header and speaks back.
  const accepted = acceptObfuscatedHeader(header);
  assert.equal(accepted.codec, 'intermediate');
  assert.equal(toHex(accepted.obfuscation.decrypt(bytesOf(v, 'frame1_enc'))), toHex(bytesOf(v, 'frame_plain')));
});

test('obfuscated2: headers obey the forbidden-prefix rules, carry the dc id, and work through MTProxy secrets', () => {
  let calls = 0;
  const forbidden = [hex('ef'.padEnd(128, '1')), hex('48454144'.padEnd(128, '1')), hex('1111111100000000'.padEnd(128, '1'))];
  const random = (n: number) => (calls < forbidden.length ? forbidden[calls++] : seededBytes(99, n));
  const { header } = createObfuscatedHeader('abridged', { random, dcId: -10002 });
  assert.equal(calls, 3, 'each forbidden header was rejected');
  const accepted = acceptObfuscatedHeader(header);
  assert.equal(accepted.codec, 'abridged');
  assert.equal(accepted.dcId, -10002);

  const secret = parseMtproxySecret('dd00112233445566778899aabbccddeeff');
  assert.equal(formatMtproxySecret(secret), 'dd00112233445566778899aabbccddeeff');
  assert.throws(() => createObfuscatedHeader('intermediate', { secret }), /requires the padded/);
  const client = createObfuscatedHeader('padded', { secret, dcId: 2 });
  assert.throws(() => acceptObfuscatedHeader(client.header), /bad obfuscation header/);
  const server = acceptObfuscatedHeader(client.header, [undefined, secret]);
  assert.equal(server.codec, 'padded');
  assert.equal(server.secret, secret);
  const message = seededBytes(5, 100);
  assert.deepEqual(server.obfuscation.decrypt(client.obfuscation.encrypt(message)), message);
  assert.deepEqual(client.obfuscation.decrypt(server.obfuscation.encrypt(message)), message);
  assert.throws(() => parseMtproxySecret('ee00'), /fake-TLS/);
  assert.throws(() => parseMtproxySecret('0011'), /16 bytes/);
});

test('the server recognises each transport from its first bytes', () => {
  const detect = (bytes: Uint8Array) => {
    const q = new ByteQueue(1024);
    q.push(bytes);
    return detectTransport(q);
  };
  assert.deepEqual(detect(hex('ef01')), { kind: 'plain', codec: 'abridged', tagLength: 1 });
  assert.deepEqual(detect(hex('eeeeeeee')), { kind: 'plain', codec: 'intermediate', tagLength: 4 });
  assert.deepEqual(detect(hex('dddddddd')), { kind: 'plain', codec: 'padded', tagLength: 4 });
  assert.deepEqual(detect(createCodec('full', { side: 'client' }).encode(new Uint8Array(16))), { kind: 'plain', codec: 'full', tagLength: 0 });
  assert.deepEqual(detect(new TextEncoder().encode('GET /apiws HTTP/1.1\r\n')), { kind: 'websocket' });
  assert.deepEqual(detect(new TextEncoder().encode('POST /api HTTP/1.1\r\n')), { kind: 'http' });
  assert.deepEqual(detect(createObfuscatedHeader('padded').header), { kind: 'obfuscated' });
  assert.equal(detect(createObfuscatedHeader('padded').header.subarray(0, 63)), null);
  assert.equal(detect(hex('eeee')), null);
});
