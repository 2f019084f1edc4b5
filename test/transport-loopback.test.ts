// Every carrier × framing × obfuscation combination over real sockets on 127.0.0.1, against our
// listener (which recognises the transport from the first bytes), plus hostile connections.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect as rawConnect } from 'node:net';
import { TransportListener } from '../src/server/listener.ts';
import { connectTransport, type ConnectOptions } from '../src/transport/connect.ts';
import type { FrameTransport } from '../src/transport/frame-transport.ts';
import { parseMtproxySecret } from '../src/transport/mtproxy.ts';
import { seededBytes } from './helpers/random.ts';

const ddSecret = parseMtproxySecret('dd0123456789abcdef0123456789abcdef');
const plainSecret = parseMtproxySecret('fedcba9876543210fedcba9876543210');
let listener: TransportListener;
const errors: Error[] = [];

before(async () => {
  listener = await TransportListener.listen(
    { port: 0, maxFrame: 1 << 20, secrets: [ddSecret, plainSecret], onError: (e) => errors.push(e) },
    (connection) => {
      connection.onFrame = (frame) => {
        if (frame.type !== 'packet') return;
        const size = new DataView(frame.payload.buffer, frame.payload.byteOffset).getUint32(0, true);
        connection.send(frame.payload.subarray(0, size)); // echo the payload without transport padding
      };
    },
  );
});

after(() => listener.close());

/** Sends payloads (each starting with its own length) and collects the echoes. */
async function echo(transport: FrameTransport, payloads: Uint8Array[]): Promise<Uint8Array[]> {
  const received: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    transport.onClose = (error) => reject(error ?? new Error('closed early'));
    transport.onFrame = (frame) => {
      if (frame.type !== 'packet') return;
      received.push(frame.payload.slice());
      if (received.length === payloads.length) resolve(received);
      else if (transport.description === 'http') transport.send(payloads[received.length]);
    };
    if (transport.description === 'http') transport.send(payloads[0]);
    else for (const p of payloads) transport.send(p);
  });
}

function payloads(seed: number): Uint8Array[] {
  return [16, 64, 1024, 70_000].map((n, i) => {
    const p = seededBytes(seed + i, n);
    new DataView(p.buffer).setUint32(0, n, true);
    return p;
  });
}

const combinations: Array<Omit<ConnectOptions, 'host' | 'port'>> = [
  ...(['abridged', 'intermediate', 'padded', 'full'] as const).map((codec) => ({ carrier: 'tcp' as const, codec, obfuscated: false })),
  ...(['abridged', 'intermediate', 'padded'] as const).map((codec) => ({ carrier: 'tcp' as const, codec, obfuscated: true })),
  { carrier: 'tcp', codec: 'padded', secret: ddSecret },
  { carrier: 'tcp', codec: 'intermediate', secret: plainSecret, dcId: 2 },
  ...(['abridged', 'intermediate', 'padded'] as const).map((codec) => ({ carrier: 'websocket' as const, codec })),
  { carrier: 'http' },
];

for (const [i, combination] of combinations.entries()) {
  test(`echo over ${JSON.stringify(combination, (k, v) => (k === 'secret' ? (v.paddedOnly ? 'dd…' : 'plain…') : v))}`, async () => {
    const transport = await connectTransport({ host: '127.0.0.1', port: listener.port, ...combination });
    const sent = payloads(i * 10);
    const got = await echo(transport, sent);
    assert.equal(got.length, sent.length);
    got.forEach((g, j) => assert.deepEqual(g.subarray(0, sent[j].length), sent[j], `payload ${j}`));
    transport.close();
  });
}

function rawSession(bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = rawConnect(listener.port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => resolve('closed'));
  });
}

test('hostile: a garbage 64-byte header is refused and the connection closed', async () => {
  const before = errors.length;
  assert.equal(await rawSession(seededBytes(7, 64).map((b, i) => (i === 0 ? 0x11 : b))), 'closed');
  assert.match(String(errors.at(-1)), /bad obfuscation header/);
  assert.equal(errors.length, before + 1);
});

test('hostile: a frame declaring more than maxFrame closes the connection without buffering it', async () => {
  const oversize = Uint8Array.of(0xee, 0xee, 0xee, 0xee, 0x00, 0x00, 0x20, 0x00); // 2 MiB declared
  assert.equal(await rawSession(oversize), 'closed');
});

test('hostile: a dd-secret connection with the wrong codec is refused', async () => {
  await assert.rejects(connectTransport({ host: '127.0.0.1', port: listener.port, carrier: 'tcp', codec: 'intermediate', secret: ddSecret }), /padded/);
});
