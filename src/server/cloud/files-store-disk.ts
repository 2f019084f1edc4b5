// The disk FileStore: parts are written straight into files of a data directory (never a whole file in
// memory), and everything survives a restart.
//
//   <dir>/uploads/<key>.bin   the upload's data, part p at byte p * SLOT (sparse where parts are smaller)
//   <dir>/uploads/<key>.log   a header line (JSON: owner, fileId, big, totalParts), then "part size" per saved part
//   <dir>/docs/<id>.bin       a sealed upload's data (renamed, not copied)
//   <dir>/docs/<id>.json      the document's metadata (attributes TL-serialized, as hex; written before the rename)
//   <dir>/quarantine/         entries found torn at open(), set aside with a logged reason
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from '../../tl/codec.ts';
import type { TypeDocumentAttribute } from '../../tl/generated/types.ts';
import { deletePartSize, setPartSize, SLOT, slotOf, UploadTable, uploadKey, type FileStore, type StoredDocument, type UploadRecord } from './files-store.ts';

export interface DiskFileStoreOptions {
  /** Where entries found torn at open() are reported (default console.warn). */
  log?: (message: string) => void;
}

export class DiskFileStore implements FileStore {
  private readonly open = new UploadTable();
  private readonly documents = new Map<bigint, StoredDocument>();
  /**
   * Drops and seals still at work on an upload's files, by base name: a new upload of the same owner and
   * file id uses the same paths, so it creates its files only after them (else they would remove or
   * rename its files).
   */
  private readonly leaving = new Map<string, Promise<unknown>>();
  /**
   * Open handles of uploads' .bin and .log, kept between parts (an open and a close per part and per log
   * line cost ~5% of the server's CPU on a 512 KiB-part upload). Oldest first; at most MAX_OPEN_UPLOADS
   * uploads keep theirs, and only uploads with no write at work lose them (closed, reopened on next use).
   */
  private readonly handles = new Map<UploadRecord, Promise<UploadFiles>>();

  private constructor(private readonly dir: string) {}

  /**
   * Opens (creating) the store in `dir`, reading back uploads in progress and documents. A crash leaves at
   * most a torn last line or a half-done seal: a seal is finished; a torn header or document .json is moved
   * to <dir>/quarantine/ (with its .bin) and reported, never fatal; a torn part line counts as a missing part.
   */
  static async open(dir: string, options: DiskFileStoreOptions = {}): Promise<DiskFileStore> {
    const log = options.log ?? ((m: string) => console.warn(m));
    const store = new DiskFileStore(dir);
    const uploads = join(dir, 'uploads');
    const docs = join(dir, 'docs');
    await mkdir(uploads, { recursive: true });
    await mkdir(docs, { recursive: true });
    const quarantine = async (folder: string, base: string, reason: string) => {
      log(`files store: ${join(folder, base)}.* quarantined: ${reason}`);
      await mkdir(join(dir, 'quarantine'), { recursive: true });
      for (const ext of ['json', 'log', 'bin']) await rename(join(folder, `${base}.${ext}`), join(dir, 'quarantine', `${base}.${ext}`)).catch(() => undefined);
    };
    // Documents first: a seal interrupted after its .json was written is finished here.
    const docNames = new Set(await readdir(docs));
    for (const name of docNames) {
      if (name.endsWith('.tmp')) await rm(join(docs, name), { force: true }); // a .json never renamed into place
      if (!name.endsWith('.json')) continue;
      const base = name.slice(0, -'.json'.length);
      let document: StoredDocument & { upload?: string };
      try {
        document = parseDocument(await readFile(join(docs, name), 'utf8'));
      } catch (error) {
        await quarantine(docs, base, `unreadable document (${(error as Error).message})`);
        continue;
      }
      if (!docNames.has(`${base}.bin`)) {
        const from = document.upload !== undefined ? join(uploads, `${document.upload}.bin`) : undefined;
        if (!from || !(await rename(from, join(docs, `${base}.bin`)).then(() => true, () => false))) {
          await quarantine(docs, base, 'document without its data');
          continue;
        }
        await rm(join(uploads, `${document.upload}.log`), { force: true });
      }
      delete document.upload;
      store.documents.set(document.id, document);
    }
    const uploadNames = new Set(await readdir(uploads));
    for (const name of uploadNames) {
      const base = name.slice(0, name.lastIndexOf('.'));
      if (name.endsWith('.bin') && !uploadNames.has(`${base}.log`)) await quarantine(uploads, base, 'upload data without its log');
      if (!name.endsWith('.log')) continue;
      const path = join(uploads, name);
      if (!uploadNames.has(`${base}.bin`)) {
        // The data was sealed into a document (or never made): nothing to resume.
        await rm(path, { force: true });
        continue;
      }
      const text = await readFile(path, 'utf8');
      // Only whole lines: a torn last line (no newline yet) is a part whose entry was not finished.
      const lines = text.split('\n').slice(0, -1);
      let record: UploadRecord;
      try {
        record = parseUploadHead(lines[0]);
      } catch (error) {
        await quarantine(uploads, base, `unreadable upload header (${(error as Error).message})`);
        continue;
      }
      for (const line of lines.slice(1)) {
        const m = /^(\d{1,4}) (\d{1,6})$/.exec(line);
        if (!m || Number(m[2]) < 1 || Number(m[2]) > SLOT) {
          log(`files store: ${path}: part line ${JSON.stringify(line)} ignored`);
          continue;
        }
        setPartSize(record, Number(m[1]), Number(m[2]));
      }
      // The last part saved is the log's last append.
      record.updated = (await stat(path)).mtimeMs;
      store.open.set(record);
    }
    return store;
  }

  private uploadBase(record: UploadRecord): string {
    return encodeURIComponent(uploadKey(record.owner, record.fileId)).replace(/%/g, '_');
  }

  private uploadPath(record: UploadRecord, ext: string): string {
    return join(this.dir, 'uploads', `${this.uploadBase(record)}.${ext}`);
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
    const before = this.leaving.get(this.uploadBase(record));
    const created = (async () => {
      await before;
      await writeFile(this.uploadPath(record, 'bin'), new Uint8Array(0));
      await writeFile(this.uploadPath(record, 'log'), head + '\n');
    })();
    // Awaited by writePart and dropUpload; a failure is theirs to report (never an unhandled rejection).
    created.catch(() => undefined);
    (record as UploadRecord & { created?: Promise<void> }).created = created;
    return record;
  }

  writePart(record: UploadRecord, part: number, bytes: Uint8Array): Promise<void> {
    setPartSize(record, part, bytes.length);
    record.updated = Date.now();
    const created = (record as UploadRecord & { created?: Promise<void> }).created;
    const write = (async () => {
      await created;
      const files = await this.filesOf(record);
      await files.bin.write(bytes, 0, bytes.length, part * SLOT);
      // Logged once the bytes are there: after a crash a logged part is a written part. (O_APPEND: each
      // line is one write, whole, whatever the order of concurrent parts.)
      await files.log.write(`${part} ${bytes.length}\n`);
    })();
    record.writing.add(write);
    write.then(() => record.writing.delete(write), () => {
      record.writing.delete(write);
      if (record.sizes.get(part) === bytes.length) deletePartSize(record, part);
    });
    return write;
  }

  /** The upload's open handles (opened on first use; the least recently used idle uploads' closed past the cap). */
  private filesOf(record: UploadRecord): Promise<UploadFiles> {
    let files = this.handles.get(record);
    if (files) {
      this.handles.delete(record); // most recently used last
      this.handles.set(record, files);
      return files;
    }
    files = (async () => {
      const bin = await open(this.uploadPath(record, 'bin'), 'r+');
      try {
        return { bin, log: await open(this.uploadPath(record, 'log'), 'a') };
      } catch (error) {
        await bin.close();
        throw error;
      }
    })();
    this.handles.set(record, files);
    // A failed open is not kept: the next write tries again (this write reports the failure).
    files.catch(() => this.handles.get(record) === files && this.handles.delete(record));
    if (this.handles.size > MAX_OPEN_UPLOADS) {
      for (const other of this.handles.keys()) {
        if (this.handles.size <= MAX_OPEN_UPLOADS) break;
        // Only with no write at work (every write of the record is in `writing` from its start).
        if (other !== record && other.writing.size === 0) void this.closeFiles(other).catch(() => undefined);
      }
    }
    return files;
  }

  /** Closes the upload's handles, if open (call when no write is at work, or after they settled). */
  private async closeFiles(record: UploadRecord): Promise<void> {
    const files = this.handles.get(record);
    if (!files) return;
    this.handles.delete(record);
    const f = await files.catch(() => undefined);
    if (f) await Promise.allSettled([f.bin.close(), f.log.close()]);
  }

  async readPart(record: UploadRecord, part: number, offset: number, length: number): Promise<Uint8Array> {
    return readAt(this.uploadPath(record, 'bin'), part * SLOT + offset, length);
  }

  /** Runs `work` on the record's files; a new upload of the same key waits for it (see `leaving`). */
  private leave(record: UploadRecord, work: () => Promise<void>): Promise<void> {
    const base = this.uploadBase(record);
    const done = work();
    const all = Promise.allSettled([this.leaving.get(base), done]);
    this.leaving.set(base, all);
    void all.then(() => {
      if (this.leaving.get(base) === all) this.leaving.delete(base);
    });
    return done;
  }

  dropUpload(record: UploadRecord): Promise<void> {
    this.open.delete(record);
    return this.leave(record, async () => {
      await Promise.allSettled([(record as UploadRecord & { created?: Promise<void> }).created, ...record.writing]);
      await this.closeFiles(record);
      await rm(this.uploadPath(record, 'bin'), { force: true });
      await rm(this.uploadPath(record, 'log'), { force: true });
    });
  }

  sealUpload(record: UploadRecord, document: StoredDocument): Promise<void> {
    return this.leave(record, () => this.seal(record, document));
  }

  private async seal(record: UploadRecord, document: StoredDocument): Promise<void> {
    await Promise.allSettled([...record.writing]);
    this.open.delete(record);
    await this.closeFiles(record);
    // Crash-safe order: the .json (whole, by rename) names the upload, so open() can finish the rename of
    // the data and the removal of the log if a crash comes between.
    const d = document;
    const json = this.docPath(d.id, 'json');
    await writeFile(`${json}.tmp`, JSON.stringify({
      id: d.id.toString(), accessHash: d.accessHash.toString(), fileReference: Buffer.from(d.fileReference).toString('hex'),
      date: d.date, mimeType: d.mimeType, size: d.size, dcId: d.dcId, owner: d.owner, partSize: d.partSize,
      attributes: Buffer.from(serialize(d.attributes as never)).toString('hex'), upload: this.uploadBase(record),
    }));
    await rename(`${json}.tmp`, json);
    await rename(this.uploadPath(record, 'bin'), this.docPath(d.id, 'bin'));
    await rm(this.uploadPath(record, 'log'), { force: true });
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
    for (const record of [...this.handles.keys()]) await this.closeFiles(record);
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Uploads whose files stay open between parts (each holds two descriptors). */
const MAX_OPEN_UPLOADS = 16;

interface UploadFiles {
  bin: Handle;
  log: Handle;
}

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

/** An upload's header line (throws on anything torn or malformed). */
function parseUploadHead(line: string | undefined): UploadRecord {
  if (line === undefined) throw new Error('no header line');
  const head = JSON.parse(line) as { owner: unknown; fileId: unknown; big: unknown; totalParts?: unknown; updated?: unknown };
  if (typeof head.owner !== 'string' || typeof head.fileId !== 'string' || typeof head.big !== 'boolean') throw new Error('fields missing');
  if (head.big && !(Number.isInteger(head.totalParts) && (head.totalParts as number) > 0)) throw new Error('file_total_parts missing');
  return {
    owner: head.owner, fileId: BigInt(head.fileId), big: head.big, totalParts: head.big ? head.totalParts as number : undefined,
    sizes: new Map(), bytes: 0, writing: new Set(), updated: typeof head.updated === 'number' ? head.updated : 0,
  };
}

/** A document's .json (throws on anything torn or malformed). */
function parseDocument(text: string): StoredDocument & { upload?: string } {
  const j = JSON.parse(text) as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof j[k] !== 'string') throw new Error(`${k} missing`);
    return j[k] as string;
  };
  const int = (k: string) => {
    if (!Number.isSafeInteger(j[k])) throw new Error(`${k} missing`);
    return j[k] as number;
  };
  const attributes = deserialize(Buffer.from(str('attributes'), 'hex')) as TypeDocumentAttribute[];
  if (!Array.isArray(attributes)) throw new Error('attributes malformed');
  return {
    id: BigInt(str('id')), accessHash: BigInt(str('accessHash')), fileReference: Buffer.from(str('fileReference'), 'hex'),
    date: int('date'), mimeType: str('mimeType'), size: int('size'), dcId: int('dcId'), attributes, owner: str('owner'),
    partSize: int('partSize'), upload: typeof j.upload === 'string' ? j.upload : undefined,
  };
}
