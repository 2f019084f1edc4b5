// mtcute 0.30.3 (@mtcute/core) wired for Node without @mtcute/node (whose SQLite storage needs a native
// addon built by node-gyp): @mtcute/core's client and transport codecs, @fuman/node's TCP connection
// (what @mtcute/node's TcpTransport uses), and a small crypto provider and platform of our own over
// node:crypto and @mtcute/wasm (IGE), as @mtcute/node's are.
import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync, gunzipSync } from 'node:zlib';
import { connectTcp } from '@fuman/node';
import { connectWs, type WebSocketConstructor } from '@fuman/net';
import { WebSocket } from 'ws';
import { BaseTelegramClient } from '@mtcute/core/client.js';
import { MemoryStorage, IntermediatePacketCodec, ObfuscatedPacketCodec, type ITelegramConnection, type IPacketCodec, type TelegramTransport } from '@mtcute/core';
import { BaseCryptoProvider, addPublicKey, type ICryptoProvider } from '@mtcute/core/utils.js';
import { initSync, ige256Decrypt, ige256Encrypt } from '@mtcute/wasm';

const require = createRequire(import.meta.url);
let wasmReady = false;

class NodeCrypto extends BaseCryptoProvider implements ICryptoProvider {
  initialize(): void {
    if (!wasmReady) initSync(readFileSync(require.resolve('@mtcute/wasm/mtcute-simd.wasm')));
    wasmReady = true;
  }
  sha1(data: Uint8Array): Uint8Array { return createHash('sha1').update(data).digest(); }
  sha256(data: Uint8Array): Uint8Array { return createHash('sha256').update(data).digest(); }
  pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, keylen = 64, algo = 'sha512'): Uint8Array {
    return pbkdf2Sync(password, salt, iterations, keylen, algo);
  }
  hmacSha256(data: Uint8Array, key: Uint8Array): Uint8Array { return createHmac('sha256', key).update(data).digest(); }
  createAesCtr(key: Uint8Array, iv: Uint8Array) {
    const cipher = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
    return { process: (data: Uint8Array) => new Uint8Array(cipher.update(data)) };
  }
  createAesIge(key: Uint8Array, iv: Uint8Array) {
    return { encrypt: (data: Uint8Array) => ige256Encrypt(data, key, iv), decrypt: (data: Uint8Array) => ige256Decrypt(data, key, iv) };
  }
  gzip(data: Uint8Array, maxSize: number): Uint8Array | null {
    try {
      return deflateSync(data, { maxOutputLength: maxSize });
    } catch {
      return null;
    }
  }
  gunzip(data: Uint8Array): Uint8Array { return gunzipSync(data); }
  randomFill(buf: Uint8Array): void {
    // mtcute draws its DH secret b as 256 random bytes (network/authorization.js): a test may choose it.
    if (buf.length === 256 && forcedB.length > 0) buf.set(forcedB.shift()!);
    else randomFillSync(buf);
  }
}

const forcedB: Uint8Array[] = [];

/** The next mtcute key exchange uses `b` (big-endian, as mtcute reads it) as its secret DH exponent. */
export function forceNextMtcuteDhExponent(b: Uint8Array): void {
  forcedB.push(b);
}

const platform = {
  beforeExit: () => () => undefined,
  log: () => undefined,
  getDefaultLogLevel: () => null,
  getDeviceModel: () => 'mtproto-wasm test',
};

/** A TCP transport with the given packet codec (mtcute's Node TcpTransport, with the codec chosen). */
export function tcpTransport(codec: () => IPacketCodec = () => new IntermediatePacketCodec()): TelegramTransport {
  return {
    async connect(dc) {
      const conn = await connectTcp({ address: dc.ipAddress, port: dc.port });
      conn.setNoDelay(true);
      return conn as unknown as ITelegramConnection;
    },
    packetCodec: codec,
  };
}

/**
 * mtcute's WebSocket transport as its web package builds it (obfuscated intermediate inside a binary
 * WebSocket at /apiws), on @fuman/net's WebSocket connection with the `ws` package as the WebSocket.
 */
export function webSocketTransport(): TelegramTransport {
  return {
    async connect(dc) {
      const url = `ws://${dc.ipAddress}:${dc.port}/apiws${dc.testMode ? '_test' : ''}`;
      const conn = await connectWs({ url, protocols: 'binary', implementation: WebSocket as unknown as WebSocketConstructor });
      return conn as unknown as ITelegramConnection;
    },
    packetCodec: () => new ObfuscatedPacketCodec(new IntermediatePacketCodec()),
  };
}

/** A connection over @fuman/node's TCP, for transports that build their own connect (MTProxy). */
export async function fumanTcp(endpoint: { address: string; port: number }): ReturnType<typeof connectTcp> {
  const conn = await connectTcp(endpoint);
  conn.setNoDelay(true);
  return conn;
}

/** An mtcute client whose only DC (2, test mode) is our server on 127.0.0.1:port, trusting `publicPem`. */
export function mtcuteClient(port: number, publicPem: string, transport: TelegramTransport): BaseTelegramClient {
  const crypto = new NodeCrypto();
  addPublicKey(crypto, publicPem);
  const dc = { id: 2, ipAddress: '127.0.0.1', port, testMode: true };
  return new BaseTelegramClient({
    apiId: 12345,
    apiHash: '0123456789abcdef0123456789abcdef',
    crypto,
    platform,
    storage: new MemoryStorage(),
    transport,
    testMode: true,
    defaultDcs: { main: dc, media: { ...dc, mediaOnly: true } },
    logLevel: 0,
    disableUpdates: true,
    reconnectionStrategy: () => false,
  });
}
