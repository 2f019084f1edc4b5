// Client hardening: a carrier that closes while the new auth key is being saved is noticed (the client
// reconnects instead of sitting 'connected' on a dead connection); more than a container's worth of
// calls over HTTP; future_salts only from our own request; bounded HTTP bodies; file storage recovers
// from a failed write.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { MtprotoServer, type MtprotoServerOptions } from '../src/server/mtproto-server.ts';
import { MtprotoClient, type MtprotoClientOptions } from '../src/client/client.ts';
import { MemoryStorage } from '../src/client/storage/memory.ts';
import type { StoredSession } from '../src/client/storage/storage.ts';
import { serverKey, withTimeout } from './helpers/exchange.ts';

const T = { timeout: 15_000 };
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});

async function server(options: Partial<MtprotoServerOptions> = {}): Promise<MtprotoServer> {
  const s = await MtprotoServer.listen({ port: 0, privateKey: serverKey(), ...options });
  cleanups.push(() => s.close());
  return s;
}

function client(host: string, port: number, s: MtprotoServer, options: Partial<MtprotoClientOptions> = {}): MtprotoClient {
  const c = new MtprotoClient({ host, port, publicKeys: [s.publicKey], pingIntervalMs: 0, reconnectMinMs: 5, reconnectMaxMs: 50, ...options });
  cleanups.push(() => c.close());
  return c;
}

/** A TCP proxy on 127.0.0.1 in front of `port`; cut() ends every connection through it so far. */
async function proxy(port: number): Promise<{ port: number; cut(): void; connections: number }> {
  const pairs: Array<[net.Socket, net.Socket]> = [];
  const state = { port: 0, connections: 0, cut: () => { for (const [a, b] of pairs.splice(0)) { a.destroy(); b.destroy(); } } };
  const listener = net.createServer((inbound) => {
    state.connections++;
    const outbound = net.connect(port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    pairs.push([inbound, outbound]);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  state.port = (listener.address() as net.AddressInfo).port;
  cleanups.push(() => { state.cut(); return new Promise<void>((resolve) => listener.close(() => resolve())); });
  return state;
}

test('the carrier closes while the new auth key is being saved: the client reconnects and the call completes', T, async () => {
  const s = await server();
  const p = await proxy(s.port);
  let cutDuringSave = false;
  const storage = new MemoryStorage();
  const set = storage.set.bind(storage);
  storage.set = async (name: string, session: StoredSession) => {
    if (!cutDuringSave) {
      cutDuringSave = true;
      p.cut();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the client's socket sees the close meanwhile
    }
    return set(name, session);
  };
  const c = client('127.0.0.1', p.port, s, { storage, futureSalts: false });
  const pong = await withTimeout(c.invoke({ _: 'ping', pingId: 7n }, { timeoutMs: 10_000 }), 10_000, 'ping after the cut');
  assert.equal(pong.pingId, 7n);
  assert.ok(cutDuringSave);
  assert.ok(p.connections >= 2, 'reconnected');
  assert.ok(c.connected);
});

test('HTTP: a full batch of calls with msgs_ack, msg_resend_req and http_wait fits one container; 1030 calls complete, nothing thrown', T, async () => {
  const s = await server({ methods: { 'help.getCountriesList': (r) => ({ _: 'help.countriesList', countries: [], hash: (r as { hash: number }).hash }) } });
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const c = client(s.host, s.port, s, { transport: { carrier: 'http' }, futureSalts: false, ackDelayMs: 60_000, timeoutMs: 12_000 });
    await c.invoke({ _: 'ping', pingId: 1n }); // leaves acks pending (held a minute)
    // A msg_resend_req waiting to go out with the next packet (for a message the server never sent).
    (c as unknown as { resendRequests: bigint[] }).resendRequests.push(4n);
    const calls = Array.from({ length: 1030 }, (_, i) =>
      c.invoke({ _: 'help.getCountriesList', langCode: 'en', hash: i }).then((r) => (r as { hash: number }).hash));
    const hashes = await withTimeout(Promise.all(calls), 12_000, '1030 calls over HTTP');
    assert.deepEqual(hashes, Array.from({ length: 1030 }, (_, i) => i));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(uncaught, []);
});

test('future_salts that do not answer our own get_future_salts are ignored', T, async () => {
  const s = await server();
  const ignored: string[] = [];
  const c = client(s.host, s.port, s, { futureSalts: false, onEvent: (e) => { if (e.type === 'ignored') ignored.push(e.reason); } });
  await c.invoke({ _: 'ping', pingId: 1n });
  const now = Math.floor(Date.now() / 1000);
  const salt = { _: 'future_salt', validSince: now - 10, validUntil: now + 3600, salt: 0x1234n };
  assert.equal(s.push({ _: 'future_salts', reqMsgId: 4n, now, salts: [salt] } as never, (sess) => sess.sessionId === c.session), 1);
  await c.invoke({ _: 'ping', pingId: 2n }); // after the push on the same connection
  assert.equal((c as unknown as { salts: { futureCount: number } }).salts.futureCount, 0);
  assert.notEqual(c.serverSalt, 0x1234n);
  assert.ok(ignored.includes('future_salts we did not ask for'));
  // Our own request is still answered and its salts taken.
  const own = await c.invoke({ _: 'get_future_salts', num: 2 });
  assert.ok(own.salts.length > 0);
  assert.ok((c as unknown as { salts: { futureCount: number } }).salts.futureCount > 0);
});

test('file storage: one failed write does not make later saves fail', T, async () => {
  const { FileStorage } = await import('../src/client/storage/file.ts');
  const { mkdtemp, rm, mkdir, rmdir } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'mtproto-fs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'sessions.json');
  const storage = new FileStorage(path);
  const session = { dcId: 2, authKey: new Uint8Array(256).fill(7), salt: -5n, timeOffset: 3 };
  await storage.set('b', session); // the file is read (cached) and written once
  // A directory where the file should go: the write's rename fails.
  await rm(path);
  await mkdir(path);
  await assert.rejects(storage.set('a', session));
  await rmdir(path);
  await storage.set('a', session);
  assert.deepEqual(await new FileStorage(path).get('a'), session);
});

test('HTTP carrier: a response body larger than maxFrame is refused with a TransportError (by content-length, and as it streams)', T, async () => {
  const http = await import('node:http');
  const { HttpTransport } = await import('../src/transport/carriers/http.ts');
  const { TransportError } = await import('../src/errors.ts');
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const big = new Uint8Array(2000).fill(1);
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(big.length) });
        res.end(big);
      } else if (req.url === '/streamed') {
        res.writeHead(200); // chunked: no content-length
        res.write(big.subarray(0, 700));
        setTimeout(() => res.end(big.subarray(700)), 10);
      } else {
        res.writeHead(200, { 'content-length': '500' });
        res.end(big.subarray(0, 500));
      }
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  const outcome = (path: string) => new Promise<{ frame?: number; error?: Error }>((resolve) => {
    const t = new HttpTransport(`http://127.0.0.1:${port}${path}`, { maxFrame: 1000 });
    t.onFrame = (frame) => { resolve({ frame: frame.type === 'packet' ? frame.payload.length : -1 }); t.close(); };
    t.onClose = (error) => resolve({ error });
    t.send(new Uint8Array(8));
  });
  for (const path of ['/declared', '/streamed']) {
    const r = await withTimeout(outcome(path), 5000, path);
    assert.ok(r.error instanceof TransportError, `${path}: ${r.error?.message ?? r.frame}`);
    assert.match(r.error.message, /1000/);
  }
  assert.deepEqual(await withTimeout(outcome('/small'), 5000, 'small'), { frame: 500 });
});
