// File transfer on the server, as core.telegram.org/api/files describes it:
//
// - upload.saveFilePart / upload.saveBigFilePart: every part but the last has the same size, a multiple of
//   1024 that divides 524288; the last is at most that size; parts are numbered 0 … maxParts−1 (4000, the
//   upload_max_fileparts_default of today's config); big mode (files over 10 MB) carries file_total_parts,
//   the same in every call. Errors: FILE_PART_INVALID (number), FILE_PARTS_INVALID (count), FILE_PART_EMPTY,
//   FILE_PART_TOO_BIG (> 512 KiB), FILE_PART_SIZE_INVALID (a size no part but the last may have),
//   FILE_PART_SIZE_CHANGED (differs from the other parts').
// - inputFile / inputFileBig → document (messages.uploadMedia, messages.sendMedia): every part 0 … parts−1
//   saved (else FILE_PART_<n>_MISSING), none beyond (FILE_PARTS_INVALID), mode and count as uploaded
//   (FILE_PARTS_INVALID; a saveFilePart upload over 10 MB too), md5_checksum checked when given
//   (MD5_CHECKSUM_INVALID).
// - upload.getFile on inputDocumentFileLocation: offset a multiple of 4096 and limit a multiple of 4096
//   dividing 1048576 (with `precise`: multiples of 1024, limit ≤ 1 MiB), never crossing a 1 MiB boundary
//   (OFFSET_INVALID / LIMIT_INVALID); unknown document FILE_ID_INVALID, wrong access_hash or thumb
//   LOCATION_INVALID, empty/stale file_reference FILE_REFERENCE_EMPTY / FILE_REFERENCE_EXPIRED. Reading at
//   or past the end gives empty bytes (how a client learns the end).
// Uploads belong to their owner (by default the auth key; with the cloud, the signed-in user).
//
// Limits (ours; Telegram does not document its own): an owner has at most maxOpenUploads unfinished uploads
// (default 64; a new file id beyond them: 400 FILE_UPLOADS_TOO_MUCH) holding at most maxUploadBytes bytes
// together (default 2000 MiB, one file of 4000 parts of 512 KiB; a part beyond them: 400
// FILE_UPLOAD_BYTES_TOO_MUCH). Both are 400s, not FLOOD_WAIT: waiting does not help until uploads are
// completed or expire. The spec keeps uploaded parts "for a limited time": an upload with no part saved for
// uploadTtlMs (default 1 hour) is dropped — when it is next looked up, and by a sweep every
// sweepIntervalMs (default 10 minutes, an unref'd timer; FileService.close() stops it).
import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/bytes.ts';
import type {
  RawDocument, RawMessageMediaDocument, TlObject, TypeDocumentAttribute, TypeInputFile, TypeInputMedia,
  TypeMessageEntity, TypeStorageFileType,
} from '../../tl/generated/types.ts';
import type { MethodContext, MethodHandler } from '../methods.ts';
import { fail, type Req } from './rpc.ts';
import { MemoryFileStore, type FileStore, type StoredDocument, type UploadRecord } from './files-store.ts';

export const MAX_PART_SIZE = 524288;
export const DEFAULT_MAX_PARTS = 4000;
/** Files larger than this go through upload.saveBigFilePart. */
export const BIG_FILE_THRESHOLD = 10 * 1024 * 1024;
const MIB = 1048576;

export const DEFAULT_MAX_OPEN_UPLOADS = 64;
export const DEFAULT_MAX_UPLOAD_BYTES = DEFAULT_MAX_PARTS * MAX_PART_SIZE;
export const DEFAULT_UPLOAD_TTL_MS = 3_600_000;

export interface FileServiceOptions {
  store?: FileStore;
  dcId?: number;
  /** Who owns an upload (default: the auth key id); may throw (401 AUTH_KEY_UNREGISTERED). */
  ownerOf?: (ctx: MethodContext) => string;
  maxParts?: number;
  /** Unfinished uploads per owner (default 64). */
  maxOpenUploads?: number;
  /** Bytes of unfinished uploads per owner (default 2000 MiB). */
  maxUploadBytes?: number;
  /** An upload with no part saved for this long is dropped (default 1 hour). */
  uploadTtlMs?: number;
  /** How often expired uploads are swept (default min(ttl, 10 minutes); 0: only when looked up). */
  sweepIntervalMs?: number;
}

/** What messages.sendMedia needs from the cloud (helper "cloud" provides it as `Cloud`). */
export interface MessagePoster {
  userOf(ctx: MethodContext): number;
  /** The user an InputPeer names for the caller, its access hash checked (PEER_ID_INVALID otherwise). */
  peerOf(ctx: MethodContext, peer: TlObject): number;
  postMessage(fromUserId: number, peerUserId: number, message: { message: string; media?: TlObject; randomId: bigint; entities?: TypeMessageEntity[] }, ctx: MethodContext): TlObject | Promise<TlObject>;
}

export const validPartSize = (size: number): boolean => size > 0 && size % 1024 === 0 && MAX_PART_SIZE % size === 0;

export class FileService {
  readonly store: FileStore;
  readonly dcId: number;
  readonly maxParts: number;
  readonly maxOpenUploads: number;
  readonly maxUploadBytes: number;
  readonly uploadTtlMs: number;
  private readonly ownerOf: (ctx: MethodContext) => string;
  /** Uploads being made into documents: a second completion gets the same document; the sweep keeps off. */
  private readonly sealing = new Map<UploadRecord, Promise<RawDocument>>();
  private readonly sweeper?: ReturnType<typeof setInterval>;

  constructor(options: FileServiceOptions = {}) {
    this.store = options.store ?? new MemoryFileStore();
    this.dcId = options.dcId ?? 2;
    this.maxParts = options.maxParts ?? DEFAULT_MAX_PARTS;
    this.ownerOf = options.ownerOf ?? ((ctx) => ctx.authKeyId);
    this.maxOpenUploads = options.maxOpenUploads ?? DEFAULT_MAX_OPEN_UPLOADS;
    this.maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.uploadTtlMs = options.uploadTtlMs ?? DEFAULT_UPLOAD_TTL_MS;
    const every = options.sweepIntervalMs ?? Math.min(this.uploadTtlMs, 600_000);
    if (every > 0) {
      this.sweeper = setInterval(() => void this.expireUploads().catch(() => undefined), every);
      this.sweeper.unref();
    }
  }

  /** Drops uploads idle for longer than uploadTtlMs (of `owner`, or everyone's); returns how many. */
  async expireUploads(owner?: string): Promise<number> {
    const stale = this.store.uploads(owner).filter((r) => this.expired(r));
    await Promise.all(stale.map((r) => this.store.dropUpload(r)));
    return stale.length;
  }

  /** Stops the expiry sweep and closes the store. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.store.close();
  }

  private expired(record: UploadRecord): boolean {
    return Date.now() - record.updated > this.uploadTtlMs && record.writing.size === 0 && !this.sealing.has(record);
  }

  /** upload.saveFilePart, upload.saveBigFilePart, upload.getFile, messages.uploadMedia (+ messages.sendMedia with a poster). */
  methods(poster?: MessagePoster): Map<string, MethodHandler> {
    const m = new Map<string, MethodHandler>([
      ['upload.saveFilePart', (r, ctx) => this.savePart(r as Req<'upload.saveFilePart'>, ctx)],
      ['upload.saveBigFilePart', (r, ctx) => this.savePart(r as Req<'upload.saveBigFilePart'>, ctx)],
      ['upload.getFile', (r, ctx) => this.getFile(r as Req<'upload.getFile'>, ctx)],
      ['messages.uploadMedia', (r, ctx) => this.mediaFrom(this.ownerOf(ctx), (r as Req<'messages.uploadMedia'>).media, ctx.now)],
    ]);
    if (poster) m.set('messages.sendMedia', (r, ctx) => this.sendMedia(poster, r as Req<'messages.sendMedia'>, ctx));
    return m;
  }

  /** Same as methods(), as the record MtprotoServer.listen({ methods }) takes. */
  methodRecord(poster?: MessagePoster): Record<string, MethodHandler> {
    return Object.fromEntries(this.methods(poster));
  }

  async savePart(r: Req<'upload.saveFilePart'> | Req<'upload.saveBigFilePart'>, ctx: MethodContext): Promise<boolean> {
    const owner = this.ownerOf(ctx);
    const big = r._ === 'upload.saveBigFilePart';
    const total = big ? r.fileTotalParts : undefined;
    if (!Number.isInteger(r.filePart) || r.filePart < 0 || r.filePart >= this.maxParts) fail('FILE_PART_INVALID');
    if (total !== undefined) {
      if (total < 1 || total > this.maxParts) fail('FILE_PARTS_INVALID');
      if (r.filePart >= total) fail('FILE_PART_INVALID');
    }
    const size = r.bytes.length;
    if (size === 0) fail('FILE_PART_EMPTY');
    if (size > MAX_PART_SIZE) fail('FILE_PART_TOO_BIG');
    // Lookup to beginUpload without an await between (parts of a new upload arrive together); after any
    // await (dropping an expired or restarted upload) look again.
    for (;;) {
      const record = this.store.upload(owner, r.fileId);
      if (record && this.expired(record)) {
        await this.store.dropUpload(record);
        continue;
      }
      if (record && this.sealing.has(record)) {
        // Being made into a document: a part sent again (a retry) is fine, a new one comes too late.
        if (record.sizes.get(r.filePart) === size) return true;
        fail('FILE_PART_INVALID');
      }
      if (record && (record.big !== big || record.totalParts !== total)) {
        // The same file id started again in another mode or with another count: only a fresh start is consistent.
        if (record.sizes.size > 1 || !record.sizes.has(r.filePart)) fail('FILE_PARTS_INVALID');
        // Then look again: a part of the new start may have begun the upload meanwhile.
        await this.store.dropUpload(record);
        continue;
      }
      // Checked before a new upload is made, so a refused first part leaves nothing behind.
      const problem = placePart(record ?? { big, totalParts: total, sizes: new Map() } as UploadRecord, r.filePart, size);
      if (problem) fail(problem);
      const over = this.overLimit(owner, record, r.filePart, size);
      if (over) {
        if ((await this.expireUploads(owner)) === 0) fail(over);
        continue;
      }
      await this.store.writePart(record ?? this.store.beginUpload(owner, r.fileId, big, total), r.filePart, r.bytes);
      return true;
    }
  }

  /** FILE_UPLOADS_TOO_MUCH / FILE_UPLOAD_BYTES_TOO_MUCH if saving the part would pass the owner's limits. */
  private overLimit(owner: string, record: UploadRecord | undefined, part: number, size: number): string | undefined {
    const uploads = this.store.uploads(owner);
    if (!record && uploads.length >= this.maxOpenUploads) return 'FILE_UPLOADS_TOO_MUCH';
    let bytes = size - (record?.sizes.get(part) ?? 0);
    for (const u of uploads) bytes += u.bytes;
    return bytes > this.maxUploadBytes ? 'FILE_UPLOAD_BYTES_TOO_MUCH' : undefined;
  }

  /** An uploaded inputFile/inputFileBig made into a document (the upload is consumed). */
  async documentFrom(owner: string, file: TypeInputFile, meta: { mimeType: string; attributes: TypeDocumentAttribute[]; date: number }): Promise<RawDocument> {
    if (file._ !== 'inputFile' && file._ !== 'inputFileBig') return fail('MEDIA_INVALID');
    if (!Number.isInteger(file.parts) || file.parts < 1 || file.parts > this.maxParts) fail('FILE_PARTS_INVALID');
    const record = this.store.upload(owner, file.id);
    if (!record) return fail('FILE_PART_0_MISSING');
    // Completions racing on one upload (a call retried on another connection, two sends) share the first one's
    // outcome: the same document (or error). Once it is done the upload is consumed: FILE_PART_0_MISSING.
    const pending = this.sealing.get(record);
    if (pending) return pending;
    if (this.expired(record)) {
      await this.store.dropUpload(record);
      return fail('FILE_PART_0_MISSING');
    }
    const sealed = this.seal(owner, record, file, meta).finally(() => this.sealing.delete(record));
    this.sealing.set(record, sealed);
    return sealed;
  }

  private async seal(owner: string, record: UploadRecord, file: Extract<TypeInputFile, { _: 'inputFile' | 'inputFileBig' }>, meta: { mimeType: string; attributes: TypeDocumentAttribute[]; date: number }): Promise<RawDocument> {
    const big = file._ === 'inputFileBig';
    await Promise.allSettled([...record.writing]);
    if (record.big !== big || (big && record.totalParts !== file.parts)) fail('FILE_PARTS_INVALID');
    let size = 0;
    for (let p = 0; p < file.parts; p++) {
      const s = record.sizes.get(p);
      if (s === undefined) fail(`FILE_PART_${p}_MISSING`);
      size += s!;
    }
    if (record.sizes.size !== file.parts) fail('FILE_PARTS_INVALID');
    if (!big && size > BIG_FILE_THRESHOLD) fail('FILE_PARTS_INVALID');
    if (file._ === 'inputFile' && file.md5Checksum !== '') {
      if ((await this.md5(record, file.parts)) !== file.md5Checksum.toLowerCase()) fail('MD5_CHECKSUM_INVALID');
    }
    const attributes = [...meta.attributes];
    if (file.name !== '' && !attributes.some((a) => a._ === 'documentAttributeFilename')) attributes.push({ _: 'documentAttributeFilename', fileName: file.name });
    const stored: StoredDocument = {
      id: randomBytes(8).readBigInt64LE() & 0x7fffffffffffffffn,
      accessHash: randomBytes(8).readBigInt64LE(),
      fileReference: randomBytes(16),
      date: meta.date,
      mimeType: meta.mimeType || 'application/octet-stream',
      size,
      dcId: this.dcId,
      attributes,
      owner,
      partSize: file.parts > 1 ? record.sizes.get(0)! : Math.max(size, 1),
    };
    await this.store.sealUpload(record, stored);
    return toDocument(stored);
  }

  /** An InputMedia with an uploaded document made into MessageMedia (other kinds: MEDIA_INVALID). */
  async mediaFrom(owner: string, media: TypeInputMedia, now: number): Promise<RawMessageMediaDocument> {
    switch (media._) {
      case 'inputMediaUploadedDocument': {
        const document = await this.documentFrom(owner, media.file, { mimeType: media.mimeType, attributes: media.attributes, date: now });
        return { _: 'messageMediaDocument', document, ...(media.spoiler ? { spoiler: true } : {}), ...(media.ttlSeconds ? { ttlSeconds: media.ttlSeconds } : {}) };
      }
      case 'inputMediaDocument': {
        if (media.id._ !== 'inputDocument') return fail('MEDIA_INVALID');
        const stored = this.store.document(media.id.id);
        if (!stored || stored.accessHash !== media.id.accessHash) return fail('MEDIA_INVALID');
        return { _: 'messageMediaDocument', document: toDocument(stored) };
      }
      default:
        return fail('MEDIA_INVALID');
    }
  }

  async getFile(r: Req<'upload.getFile'>, _ctx: MethodContext): Promise<TlObject> {
    const location = r.location;
    if (location._ !== 'inputDocumentFileLocation') return fail('LOCATION_INVALID');
    const offset = r.offset;
    const limit = r.limit;
    const unit = r.precise ? 1024 : 4096;
    if (offset < 0n || offset % BigInt(unit) !== 0n) fail('OFFSET_INVALID');
    if (!(limit > 0) || limit % unit !== 0 || limit > MIB || (!r.precise && MIB % limit !== 0)) fail('LIMIT_INVALID');
    // Never across a 1 MiB boundary.
    if (offset / BigInt(MIB) !== (offset + BigInt(limit) - 1n) / BigInt(MIB)) fail('LIMIT_INVALID');
    const stored = this.store.document(location.id);
    if (!stored) return fail('FILE_ID_INVALID');
    if (stored.accessHash !== location.accessHash || location.thumbSize !== '') fail('LOCATION_INVALID');
    if (location.fileReference.length === 0) fail('FILE_REFERENCE_EMPTY');
    if (!constantTimeEqual(location.fileReference, stored.fileReference)) fail('FILE_REFERENCE_EXPIRED');
    const start = offset >= BigInt(stored.size) ? stored.size : Number(offset);
    const length = Math.min(limit, stored.size - start);
    const bytes = length > 0 ? await this.store.readDocument(stored, start, length) : new Uint8Array(0);
    return { _: 'upload.file', type: fileType(stored.mimeType), mtime: stored.date, bytes };
  }

  private async sendMedia(poster: MessagePoster, r: Req<'messages.sendMedia'>, ctx: MethodContext): Promise<TlObject> {
    const from = poster.userOf(ctx);
    // Before the upload is consumed: a refused peer leaves it for another try.
    const peer = poster.peerOf(ctx, r.peer);
    const media = await this.mediaFrom(this.ownerOf(ctx), r.media, ctx.now);
    return poster.postMessage(from, peer, { message: r.message, media, randomId: r.randomId, entities: r.entities }, ctx);
  }

  private async md5(record: UploadRecord, parts: number): Promise<string> {
    const hash = createHash('md5');
    for (let p = 0; p < parts; p++) hash.update(await this.store.readPart(record, p, 0, record.sizes.get(p)!));
    return hash.digest('hex');
  }
}

/**
 * The error (if any) of adding part `part` of `size` bytes: every part but the last has one common valid
 * size, the last is no larger. The last is file_total_parts − 1 in big mode, else the highest so far.
 */
export function placePart(record: UploadRecord, part: number, size: number): string | undefined {
  let last = part;
  if (record.big) last = record.totalParts! - 1;
  else for (const p of record.sizes.keys()) if (p > last) last = p;
  let common: number | undefined;
  let lastSize: number | undefined = part === last ? size : record.sizes.get(last);
  const check = (p: number, s: number): string | undefined => {
    if (p === last) return undefined;
    if (!validPartSize(s)) return p === part ? 'FILE_PART_SIZE_INVALID' : 'FILE_PART_SIZE_CHANGED';
    if (common === undefined) common = s;
    else if (s !== common) return 'FILE_PART_SIZE_CHANGED';
    return undefined;
  };
  const own = check(part, size);
  if (own) return own;
  for (const [p, s] of record.sizes) {
    if (p === part) continue;
    const problem = check(p, s);
    if (problem) return problem;
  }
  if (common !== undefined && lastSize !== undefined && lastSize > common) return 'FILE_PART_SIZE_CHANGED';
  lastSize = undefined;
  return undefined;
}

export function toDocument(d: StoredDocument): RawDocument {
  return {
    _: 'document', id: d.id, accessHash: d.accessHash, fileReference: d.fileReference, date: d.date,
    mimeType: d.mimeType, size: BigInt(d.size), dcId: d.dcId, attributes: d.attributes,
  };
}

const FILE_TYPES: Record<string, TypeStorageFileType['_']> = {
  'image/jpeg': 'storage.fileJpeg', 'image/gif': 'storage.fileGif', 'image/png': 'storage.filePng',
  'application/pdf': 'storage.filePdf', 'audio/mpeg': 'storage.fileMp3', 'video/quicktime': 'storage.fileMov',
  'video/mp4': 'storage.fileMp4', 'image/webp': 'storage.fileWebp',
};

function fileType(mimeType: string): TypeStorageFileType {
  return { _: FILE_TYPES[mimeType] ?? 'storage.fileUnknown' } as TypeStorageFileType;
}
