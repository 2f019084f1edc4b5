// File transfer through our server (in a child process with a disk store, so the figure is the client's
// work plus loopback): a 100 MB upload (uploadFile from memory, 512 KiB parts, big-file mode) and a 100 MB
// download (downloadFile to a sink that drops the bytes, 1 MiB parts), our client over a 4-connection
// TransferPool. Peers (mtcute, GramJS) need to sign in first: see the notes this suite adds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchNotes, teardowns, type BenchCase } from '../harness.ts';
import { TransferPool, uploadFile, downloadFile, documentLocation } from '../../src/client/files/index.ts';
import type { RawDocument } from '../../src/tl/generated/types.ts';
import { startFileServer } from '../../test/helpers/files-child.ts';

const SIZE = 100 * 1024 * 1024;

interface Setup {
  pool: TransferPool;
  data: Uint8Array;
  doc: RawDocument;
}

let ready: Promise<Setup> | undefined;

function setup(): Promise<Setup> {
  ready ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-transfer-'));
    const server = await startFileServer(dir);
    const pool = await TransferPool.connect({ host: server.host, port: server.port, publicKeys: [server.publicKey], pingIntervalMs: 0 }, 4);
    teardowns.push(async () => {
      await pool.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const data = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    const up = await uploadFile(pool, data);
    const media = await pool.invoke({ _: 'messages.uploadMedia', peer: { _: 'inputPeerSelf' }, media: { _: 'inputMediaUploadedDocument', file: up.inputFile, mimeType: 'application/octet-stream', attributes: [] } });
    return { pool, data, doc: (media as { document: RawDocument }).document };
  })();
  return ready;
}

async function repeat(count: number, op: (s: Setup) => Promise<unknown>): Promise<void> {
  const s = await setup();
  for (let i = 0; i < count; i++) await op(s);
}

export function cases(): BenchCase[] {
  const unusable = () => {
    throw new Error('asynchronous case: measured by runCasesAsync');
  };
  benchNotes.push('transfer: mtcute and GramJS peers are not measured yet: they must sign in first (needs the cloud branch; GramJS also the layers branch).');
  return [
    {
      group: 'transfer',
      name: '100 MB upload through our server (child process, disk store)',
      bytes: SIZE,
      impls: [{ label: 'ours (4 connections)', run: unusable, batch: (count) => repeat(count, (s) => uploadFile(s.pool, s.data)) }],
    },
    {
      group: 'transfer',
      name: '100 MB download through our server (child process, disk store)',
      bytes: SIZE,
      impls: [{ label: 'ours (4 connections)', run: unusable, batch: (count) => repeat(count, (s) => downloadFile(s.pool, documentLocation(s.doc), { write() {} }, { size: SIZE })) }],
    },
  ];
}
