// The disk FileStore: parts are written straight into files of a data directory (never a whole file in
// memory), and everything survives a restart.
//
//   <dir>/uploads/<key>.bin   the upload's data, part p at byte p * SLOT (sparse where parts are smaller)
//   <dir>/uploads/<key>.log   a header line (JSON: owner, fileId, big, totalParts), then "part size" per saved part
//   <dir>/docs/<id>.bin       a sealed upload's data (renamed, not copied)
//   <dir>/docs/<id>.json      the document's metadata (attributes TL-serialized, as hex)
import { mkdir, open, readdir, readFile, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from '../../tl/codec.ts';
import type { TypeDocumentAttribute } from '../../tl/generated/types.ts';
import { deletePartSize, setPartSize, SLOT, slotOf, UploadTable, uploadKey, type FileStore, type StoredDocument, type UploadRecord } from './files-store.ts';

export class DiskFileStore implements FileStore {
  private readonly open = new UploadTable();
  private readonly documents = new Map<bigint, StoredDocument>();

  private constructor(private readonly dir: string) {}

  /** Opens (creating) the store in `dir`, reading back uploads in progress and documents. */
  static async open(dir: string): Promise<DiskFileStore> {
    const store = new DiskFileStore(dir);
    await mkdir(join(dir, 'uploads'), { recursive: true });
    await mkdir(join(dir, 'docs'), { recursive: true });
    for (const name of await readdir(join(dir, 'uploads'))) {
      if (!name.endsWith('.log')) continue;
      const lines = (await readFile(join(dir, 'uploads', name), 'utf8')).split('\n').filter((l) => l !== '');
      if (lines.length === 0) continue;
      const head = JSON.parse(lines[0]) as { owner: string; fileId: string; big: boolean; totalParts?: number; updated: number };
      const record: UploadRecord = { owner: head.owner, fileId: BigInt(head.fileId), big: head.big, totalParts: head.totalParts, sizes: new Map(), bytes: 0, writing: new Set(), updated: head.updated };
      for (const line of lines.slice(1)) {
        const [part, size] = line.split(' ').map(Number);
        setPartSize(record, part, size);
      }
      store.open.set(record);
    }
    for (const name of await readdir(join(dir, 'docs'))) {
      if (!name.endsWith('.json')) continue;
      const j = JSON.parse(await readFile(join(dir, 'docs', name), 'utf8')) as Record<string, string | number>;
      const attributes = (deserialize(Buffer.from(j.attributes as string, 'hex')) as TypeDocumentAttribute[]);
      store.documents.set(BigInt(j.id), {
        id: BigInt(j.id), accessHash: BigInt(j.accessHash), fileReference: Buffer.from(j.fileReference as string, 'hex'),
        date: j.date as number, mimeType: j.mimeType as string, size: j.size as number, dcId: j.dcId as number,
        attributes, owner: j.owner as string, partSize: j.partSize as number,
      });
    }
    return store;
  }

  private uploadPath(record: UploadRecord, ext: string): string {
    return join(this.dir, 'uploads', `${encodeURIComponent(uploadKey(record.owner, record.fileId)).replace(/%/g, '_')}.${ext}`);
  }

  private docPath(id: bigint, ext: string): string {
    return join(this.dir, 'docs', `${BigInt.asUintN(64, id).toString(16)}.${ext}`);
  }

  upload(owner: string, fileId: bigint): UploadRecord | undefined {
    return this.open.get(owner, fileId);
  }

  uploads(owner?: string): UploadRecord[] {
    return this.open.list(owner);
  }

  beginUpload(owner: string, fileId: bigint, big: boolean, totalParts?: number): UploadRecord {
    const record: UploadRecord = { owner, fileId, big, totalParts, sizes: new Map(), bytes: 0, writing: new Set(), updated: Date.now() };
    this.open.set(record);
    const head = JSON.stringify({ owner, fileId: fileId.toString(), big, totalParts, updated: record.updated });
    // The first write waits for these (writes of one upload are chained after its creation).
    const created = (async () => {
      await writeFile(this.uploadPath(record, 'bin'), new Uint8Array(0));
      await writeFile(this.uploadPath(record, 'log'), head + '\n');
    })();
    (record as UploadRecord & { created?: Promise<void> }).created = created;
    return record;
  }

  writePart(record: UploadRecord, part: number, bytes: Uint8Array): Promise<void> {
    setPartSize(record, part, bytes.length);
    record.updated = Date.now();
    const created = (record as UploadRecord & { created?: Promise<void> }).created;
    const write = (async () => {
      await created;
      const file = await open(this.uploadPath(record, 'bin'), 'r+');
      try {
        await file.write(bytes, 0, bytes.length, part * SLOT);
      } finally {
        await file.close();
      }
      // Logged once the bytes are there: after a crash a logged part is a written part.
      await appendFile(this.uploadPath(record, 'log'), `${part} ${bytes.length}\n`);
    })();
    record.writing.add(write);
    write.then(() => record.writing.delete(write), () => {
      record.writing.delete(write);
      if (record.sizes.get(part) === bytes.length) deletePartSize(record, part);
    });
    return write;
  }

  async readPart(record: UploadRecord, part: number, offset: number, length: number): Promise<Uint8Array> {
    return readAt(this.uploadPath(record, 'bin'), part * SLOT + offset, length);
  }

  async dropUpload(record: UploadRecord): Promise<void> {
    this.open.delete(record);
    await Promise.allSettled([...record.writing]);
    await rm(this.uploadPath(record, 'bin'), { force: true });
    await rm(this.uploadPath(record, 'log'), { force: true });
  }

  async sealUpload(record: UploadRecord, document: StoredDocument): Promise<void> {
    await Promise.allSettled([...record.writing]);
    this.open.delete(record);
    await rename(this.uploadPath(record, 'bin'), this.docPath(document.id, 'bin'));
    await rm(this.uploadPath(record, 'log'), { force: true });
    const d = document;
    await writeFile(this.docPath(d.id, 'json'), JSON.stringify({
      id: d.id.toString(), accessHash: d.accessHash.toString(), fileReference: Buffer.from(d.fileReference).toString('hex'),
      date: d.date, mimeType: d.mimeType, size: d.size, dcId: d.dcId, owner: d.owner, partSize: d.partSize,
      attributes: Buffer.from(serialize(d.attributes as never)).toString('hex'),
    }));
    this.documents.set(d.id, d);
  }

  document(id: bigint): StoredDocument | undefined {
    return this.documents.get(id);
  }

  async readDocument(document: StoredDocument, offset: number, length: number): Promise<Uint8Array> {
    const path = this.docPath(document.id, 'bin');
    if (document.partSize === SLOT) return readAt(path, offset, length);
    // Smaller parts: one read per part crossed (a getFile answer is at most 1 MiB, so a few).
    const out = new Uint8Array(length);
    const file = await open(path, 'r');
    try {
      for (let done = 0; done < length;) {
        const { at, run } = slotOf(document, offset + done);
        const n = Math.min(run, length - done);
        await readFully(file, out, done, n, at);
        done += n;
      }
    } finally {
      await file.close();
    }
    return out;
  }

  async close(): Promise<void> {
    for (const record of this.open.list()) await Promise.allSettled([...record.writing]);
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

async function readFully(file: Handle, out: Uint8Array, at: number, length: number, position: number): Promise<void> {
  for (let done = 0; done < length;) {
    const { bytesRead } = await file.read(out, at + done, length - done, position + done);
    // Past the end of a sparse file's last write: zeros (never happens for parts that were written).
    if (bytesRead === 0) break;
    done += bytesRead;
  }
}

async function readAt(path: string, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const file = await open(path, 'r');
  try {
    await readFully(file, out, 0, length, position);
  } finally {
    await file.close();
  }
  return out;
}
