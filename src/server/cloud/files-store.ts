// Where uploaded file parts and documents live: an interface with an in-memory implementation here and
// a disk one in files-store-disk.ts. The rules (part sizes, counts, md5) are checked in files.ts; a store
// only keeps bytes and the little metadata needed to find them again.
//
// Layout: part p of an upload sits in "slot" p, SLOT = 524288 bytes (the largest part size), i.e. at byte
// p * SLOT of the upload's data (a sparse file on disk). With the recommended 512 KiB parts the data is the
// file itself; with smaller parts a document read maps offsets through the slots.
import type { TypeDocumentAttribute } from '../../tl/generated/types.ts';

/** The largest part size (and the distance between parts in a store's data). */
export const SLOT = 524288;

/** An upload in progress: which parts were saved, and their sizes. */
export interface UploadRecord {
  owner: string;
  fileId: bigint;
  /** upload.saveBigFilePart (true) or upload.saveFilePart. */
  big: boolean;
  /** Big uploads: file_total_parts as first given. */
  totalParts?: number;
  /** Part number → size in bytes (recorded when the write starts; `writing` holds unfinished writes). */
  sizes: Map<number, number>;
  /** The sum of `sizes` (kept by setPartSize/deletePartSize; the per-owner byte limit reads it). */
  bytes: number;
  /** Writes not finished yet (a document is made only once they are). */
  writing: Set<Promise<void>>;
  /** Unix ms of the last part saved (uploads idle for long expire). */
  updated: number;
}

/** Records part `part` as `size` bytes long (sizes and bytes together). */
export function setPartSize(record: UploadRecord, part: number, size: number): void {
  record.bytes += size - (record.sizes.get(part) ?? 0);
  record.sizes.set(part, size);
}

export function deletePartSize(record: UploadRecord, part: number): void {
  record.bytes -= record.sizes.get(part) ?? 0;
  record.sizes.delete(part);
}

/** The open uploads of a store, by owner and file id. */
export class UploadTable<R extends UploadRecord = UploadRecord> {
  private readonly byKey = new Map<string, R>();
  private readonly byOwner = new Map<string, Set<R>>();

  get(owner: string, fileId: bigint): R | undefined {
    return this.byKey.get(uploadKey(owner, fileId));
  }

  /** Adds `record`, replacing an upload of the same owner and file id. */
  set(record: R): void {
    const old = this.get(record.owner, record.fileId);
    if (old) this.delete(old);
    this.byKey.set(uploadKey(record.owner, record.fileId), record);
    let own = this.byOwner.get(record.owner);
    if (!own) this.byOwner.set(record.owner, (own = new Set()));
    own.add(record);
  }

  /** Removes `record` (not a newer upload that replaced it). */
  delete(record: R): void {
    const key = uploadKey(record.owner, record.fileId);
    if (this.byKey.get(key) !== record) return;
    this.byKey.delete(key);
    const own = this.byOwner.get(record.owner)!;
    own.delete(record);
    if (own.size === 0) this.byOwner.delete(record.owner);
  }

  /** Every open upload of `owner`, or of everyone. */
  list(owner?: string): R[] {
    return owner === undefined ? [...this.byKey.values()] : [...(this.byOwner.get(owner) ?? [])];
  }
}

/** A document's metadata; its bytes are a sealed upload's data in the store. */
export interface StoredDocument {
  id: bigint;
  accessHash: bigint;
  fileReference: Uint8Array;
  /** Unix seconds. */
  date: number;
  mimeType: string;
  size: number;
  dcId: number;
  attributes: TypeDocumentAttribute[];
  /** Who uploaded it. */
  owner: string;
  /** Size of every part but the last (maps offsets to slots). */
  partSize: number;
}

export interface FileStore {
  /** The upload of `fileId` by `owner`, if a part of it was saved. */
  upload(owner: string, fileId: bigint): UploadRecord | undefined;
  /** The open uploads of `owner`, or of everyone (limits and expiry). */
  uploads(owner?: string): UploadRecord[];
  /** Starts an upload (or replaces one that is dropped). */
  beginUpload(owner: string, fileId: bigint, big: boolean, totalParts?: number): UploadRecord;
  /** Saves a part; its size is in `record.sizes` at once, its bytes once the promise settles. */
  writePart(record: UploadRecord, part: number, bytes: Uint8Array): Promise<void>;
  /** `length` bytes of a saved part from `offset` (for the md5 check). */
  readPart(record: UploadRecord, part: number, offset: number, length: number): Promise<Uint8Array>;
  /** Forgets an upload and its bytes. */
  dropUpload(record: UploadRecord): Promise<void>;
  /** Makes an upload's data the contents of a document (the upload is gone afterwards). */
  sealUpload(record: UploadRecord, document: StoredDocument): Promise<void>;
  document(id: bigint): StoredDocument | undefined;
  /** `length` bytes of a document from `offset` (the caller keeps them inside the document). */
  readDocument(document: StoredDocument, offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Where document byte `offset` sits in the slot layout, and how many bytes follow it in that part. */
export function slotOf(document: StoredDocument, offset: number): { at: number; run: number; part: number; within: number } {
  const part = Math.floor(offset / document.partSize);
  const within = offset - part * document.partSize;
  const partLength = Math.min(document.partSize, document.size - part * document.partSize);
  return { at: part * SLOT + within, run: partLength - within, part, within };
}

/** Every part held in memory (the default store: state lives as long as the server object). */
export class MemoryFileStore implements FileStore {
  private readonly open = new UploadTable<UploadRecord & { parts: Map<number, Uint8Array> }>();
  private readonly documents = new Map<bigint, StoredDocument & { parts: Map<number, Uint8Array> }>();

  upload(owner: string, fileId: bigint): UploadRecord | undefined {
    return this.open.get(owner, fileId);
  }

  uploads(owner?: string): UploadRecord[] {
    return this.open.list(owner);
  }

  beginUpload(owner: string, fileId: bigint, big: boolean, totalParts?: number): UploadRecord {
    const record = { owner, fileId, big, totalParts, sizes: new Map(), bytes: 0, writing: new Set<Promise<void>>(), updated: Date.now(), parts: new Map<number, Uint8Array>() };
    this.open.set(record);
    return record;
  }

  writePart(record: UploadRecord, part: number, bytes: Uint8Array): Promise<void> {
    setPartSize(record, part, bytes.length);
    record.updated = Date.now();
    // A part decoded from a packet may be a view into it: keep only its own bytes.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    (record as UploadRecord & { parts: Map<number, Uint8Array> }).parts.set(part, own);
    return Promise.resolve();
  }

  readPart(record: UploadRecord, part: number, offset: number, length: number): Promise<Uint8Array> {
    const bytes = (record as UploadRecord & { parts: Map<number, Uint8Array> }).parts.get(part)!;
    return Promise.resolve(bytes.subarray(offset, offset + length));
  }

  dropUpload(record: UploadRecord): Promise<void> {
    this.open.delete(record as UploadRecord & { parts: Map<number, Uint8Array> });
    return Promise.resolve();
  }

  sealUpload(record: UploadRecord, document: StoredDocument): Promise<void> {
    const parts = (record as UploadRecord & { parts: Map<number, Uint8Array> }).parts;
    this.documents.set(document.id, { ...document, parts });
    return this.dropUpload(record);
  }

  document(id: bigint): StoredDocument | undefined {
    return this.documents.get(id);
  }

  readDocument(document: StoredDocument, offset: number, length: number): Promise<Uint8Array> {
    const parts = this.documents.get(document.id)!.parts;
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const { part, within, run } = slotOf(document, offset + done);
      const n = Math.min(run, length - done);
      out.set(parts.get(part)!.subarray(within, within + n), done);
      done += n;
    }
    return Promise.resolve(out);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function uploadKey(owner: string, fileId: bigint): string {
  return `${owner}:${BigInt.asUintN(64, fileId).toString(16)}`;
}
