// A 200 MB file uploaded and downloaded through a server in another process (disk store, so neither side
// holds the file): SHA-256 matches, and the client's peak RSS grows by far less than the file (measured
// and printed; the bound asserted is generous: < 200 MB of growth).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferPool, uploadFile, downloadFile, documentLocation } from '../src/client/files/index.ts';
import type { RawDocument } from '../src/tl/generated/types.ts';
import { startFileServer, type ChildServer } from './helpers/files-child.ts';
import { seededBytes } from './helpers/random.ts';

const SIZE = 200 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'files-big-'));
let server: ChildServer;

before(async () => {
  server = await startFileServer(join(dir, 'server'));
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes SIZE pseudo-random bytes to `path` 8 MiB at a time; returns their SHA-256. */
async function writeSource(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  const chunk = seededBytes(99, 8 << 20);
  for (let at = 0, i = 0; at < SIZE; at += chunk.length, i++) {
    chunk[0] = i; // no two chunks alike
    hash.update(chunk);
    await file.write(chunk, 0, chunk.length, at);
  }
  await file.close();
  return hash.digest('hex');
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

const mb = (n: number) => (n / 1048576).toFixed(1);

test('200 MB up and down through a server in another process: hashes match, client memory stays bounded', { timeout: 170_000 }, async () => {
  const source = join(dir, 'source.bin');
  const expected = await writeSource(source);
  const pool = await TransferPool.connect({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0 }, 4);
  try {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    let t = performance.now();
    const up = await uploadFile(pool, source);
    const upSeconds = (performance.now() - t) / 1000;
    assert.equal(up.big, true);
    const media = await pool.invoke({ _: 'messages.uploadMedia', peer: { _: 'inputPeerSelf' }, media: { _: 'inputMediaUploadedDocument', file: up.inputFile, mimeType: 'application/octet-stream', attributes: [] } });
    const doc = (media as { document: RawDocument }).document;
    assert.equal(doc.size, BigInt(SIZE));
    const target = join(dir, 'target.bin');
    t = performance.now();
    await downloadFile(pool, documentLocation(doc), target, { size: SIZE });
    const downSeconds = (performance.now() - t) / 1000;
    const peak = process.resourceUsage().maxRSS * 1024;
    assert.equal(await hashFile(target), expected);
    const growth = peak - Math.max(baseline, peakBefore);
    const serverPeak = await server.maxRss();
    console.log(`# 200 MB: upload ${(200 / upSeconds).toFixed(1)} MB/s, download ${(200 / downSeconds).toFixed(1)} MB/s; client RSS before ${mb(baseline)} MB, peak ${mb(peak)} MB (growth ${mb(Math.max(0, growth))} MB); server peak RSS ${mb(serverPeak)} MB`);
    assert.ok(growth < 200 * 1048576, `client RSS grew by ${mb(growth)} MB`);
  } finally {
    await pool.close();
  }
});
