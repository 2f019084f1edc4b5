// The CloudStore in a data directory: the in-memory store plus a journal (cloud.log), one JSON line per
// operation (a transaction's changes together), appended with one write. On open the journal is
// replayed; a torn last line (a crash mid-write) is cut off, so a crash loses at most the operation being
// written. No fsync per record: the OS may still lose the tail on a power cut, never a middle.
//
// The journal only grows (no compaction yet): every message, edit and update is kept in it.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, toJson } from './json.ts';
import { MemoryCloudStore, type MemoryCloudStoreOptions, type StoreRecord } from './memory-store.ts';

export class DiskCloudStore extends MemoryCloudStore {
  private fd: number;
  private pending: StoreRecord[] | undefined;
  private depth = 0;
  private replaying = false;

  constructor(readonly dir: string, options: MemoryCloudStoreOptions = {}) {
    super(options);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'cloud.log');
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      const good = this.replay(bytes);
      if (good < bytes.length) truncateSync(path, good); // a torn tail
    }
    this.fd = openSync(path, 'a');
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
          break; // garbage: keep what came before
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
    writeSync(this.fd, toJson(records) + '\n');
  }

  override close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
