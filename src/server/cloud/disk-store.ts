// The CloudStore in a data directory: the in-memory store plus a journal (cloud.log), one JSON line per
// operation (a transaction's changes together), appended with one write. On open the journal is
// replayed; a torn last line (a crash mid-write) is cut off, so a crash loses at most the operation being
// written. An unreadable line with records after it is damage, not a crash: opening refuses (an Error naming
// the byte) rather than cutting the journal there. A failed write is cut back off the journal and rethrown.
// No fsync per record: the OS may still lose the tail on a power cut, never a middle.
//
// The journal only grows (no compaction yet): every message, edit and update is kept in it.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, toJson } from '../../tl/json.ts';
import { MemoryCloudStore, type MemoryCloudStoreOptions, type StoreRecord } from './memory-store.ts';

export class DiskCloudStore extends MemoryCloudStore {
  private readonly path: string;
  private fd: number;
  /** Bytes of whole records in the journal. */
  private size = 0;
  private pending: StoreRecord[] | undefined;
  private depth = 0;
  private replaying = false;

  constructor(readonly dir: string, options: MemoryCloudStoreOptions = {}) {
    super(options);
    // The journal holds auth keys: only the server's user may read it (as the RSA key file).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'cloud.log');
    if (existsSync(this.path)) {
      const bytes = readFileSync(this.path);
      this.size = this.replay(bytes);
      if (this.size < bytes.length) truncateSync(this.path, this.size); // a torn tail
    }
    this.fd = openSync(this.path, 'a', 0o600);
  }

  /** Applies every complete line; returns the byte length of the good prefix. */
  private replay(bytes: Buffer): number {
    this.replaying = true;
    let start = 0;
    try {
      while (start < bytes.length) {
        const end = bytes.indexOf(0x0a, start);
        if (end < 0) break; // torn last line
        let records: StoreRecord[];
        try {
          records = fromJson(bytes.subarray(start, end).toString('utf8')) as StoreRecord[];
        } catch {
          // The last line may be the remains of a crash; anything earlier is damage, and cutting there would
          // silently drop every record after it.
          if (bytes.indexOf(0x0a, end + 1) < 0) break;
          throw new Error(`${this.path}: the record at byte ${start} is unreadable and records follow it (a damaged journal, not a torn tail)`);
        }
        for (const r of records) this.apply(r);
        start = end + 1;
      }
    } finally {
      this.replaying = false;
    }
    return start;
  }

  override transaction<T>(fn: () => T): T {
    if (this.depth === 0) this.pending = [];
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) {
        const records = this.pending!;
        this.pending = undefined;
        if (records.length) this.write(records);
      }
    }
  }

  protected override commit(record: StoreRecord): void {
    this.apply(record);
    if (this.replaying) return;
    if (this.pending) this.pending.push(record);
    else this.write([record]);
  }

  private write(records: StoreRecord[]): void {
    const line = Buffer.from(toJson(records) + '\n');
    try {
      for (let done = 0; done < line.length;) done += writeSync(this.fd, line, done);
    } catch (error) {
      // A partial line would glue itself to the next record: cut the journal back to its last whole one.
      ftruncateSync(this.fd, this.size);
      throw error;
    }
    this.size += line.length;
  }

  override close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
