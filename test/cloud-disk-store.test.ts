// The cloud's disk journal (DiskCloudStore): a torn tail is cut off, but a damaged record with records
// after it stops the store from opening (instead of silently dropping everything after the damage).
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskCloudStore } from '../src/server/cloud/disk-store.ts';

function withStore(fn: (dir: string, log: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-disk-'));
  try {
    const store = new DiskCloudStore(dir);
    for (const phone of ['9996620001', '9996620002', '9996620003']) store.createUser({ accessHash: 1n, phone, firstName: phone, lastName: '', createdAt: 0 });
    store.close();
    fn(dir, join(dir, 'cloud.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a torn last line (with or without its newline) is cut off; the records before it stay', () => {
  for (const tail of ['[{"t":"user","user":{"id":9', '[{"t":"user"\n']) {
    withStore((dir, log) => {
      const size = readFileSync(log).length;
      appendFileSync(log, tail);
      const store = new DiskCloudStore(dir);
      assert.equal(readFileSync(log).length, size);
      assert.equal(store.userByPhone('9996620003')?.id, 3);
      store.createUser({ accessHash: 1n, phone: '9996620004', firstName: 'x', lastName: '', createdAt: 0 });
      store.close();
      const again = new DiskCloudStore(dir);
      assert.equal(again.userByPhone('9996620004')?.id, 4);
      again.close();
    });
  }
});

test('a damaged record in the middle refuses to open and leaves the journal as it was', () => {
  withStore((dir, log) => {
    const bytes = readFileSync(log);
    const lines = bytes.toString('utf8').split('\n');
    lines[1] = lines[1].replace('"t"', '"t');
    const damaged = lines.join('\n');
    writeFileSync(log, damaged);
    assert.throws(() => new DiskCloudStore(dir), /cloud\.log: the record at byte \d+ is unreadable and records follow it/);
    assert.equal(readFileSync(log, 'utf8'), damaged);
  });
});

test('the journal (it holds auth keys) is readable by the server user only', () => {
  withStore((_dir, log) => {
    assert.equal(statSync(log).mode & 0o777, 0o600);
  });
});
