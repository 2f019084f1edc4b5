// A JSON file holding every stored session by name (hex for bytes, decimal strings for 64-bit values).
// Writes go to a temporary file renamed over the old one, so a crash never leaves half a file; the file
// is created with mode 0600 (it holds auth keys).
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fromJson, toJson } from '../../tl/json.ts';
import type { SecretChatsState } from '../secret/manager.ts';
import type { Storage, StoredSession } from './storage.ts';

interface Entry {
  dcId: number;
  authKey: string;
  salt: string;
  timeOffset: number;
  /** TelegramClient's fields (64-bit values as decimal strings). */
  userId?: string;
  updatesState?: { pts: number; qts: number; date: number; seq: number };
  peers?: Array<[id: string, accessHash: string, username?: string]>;
  /** TelegramClient's secret chats (in the file: bigint as {"$n": "…"}, bytes as {"$b": "<base64>"}). */
  secretChats?: SecretChatsState;
}

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

export class FileStorage implements Storage {
  private cache?: Record<string, Entry>;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  private async entries(): Promise<Record<string, Entry>> {
    if (!this.cache) {
      try {
        this.cache = fromJson(await readFile(this.path, 'utf8')) as Record<string, Entry>;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.cache = {};
      }
    }
    return this.cache;
  }

  async get(name: string): Promise<StoredSession | undefined> {
    const e = (await this.entries())[name];
    if (!e) return undefined;
    const authKey = fromHex(e.authKey);
    if (authKey.length !== 256) throw new RangeError(`${this.path}: the auth key of "${name}" is not 256 bytes`);
    const session: StoredSession = { dcId: e.dcId, authKey, salt: BigInt(e.salt), timeOffset: e.timeOffset };
    if (e.userId !== undefined) session.userId = BigInt(e.userId);
    if (e.updatesState) session.updatesState = { ...e.updatesState };
    if (e.peers) session.peers = e.peers.map(([id, accessHash, username]) => (username === undefined ? { id: BigInt(id), accessHash: BigInt(accessHash) } : { id: BigInt(id), accessHash: BigInt(accessHash), username }));
    if (e.secretChats !== undefined) session.secretChats = structuredClone(e.secretChats);
    return session;
  }

  async set(name: string, s: StoredSession): Promise<void> {
    const e: Entry = { dcId: s.dcId, authKey: toHex(s.authKey), salt: s.salt.toString(), timeOffset: s.timeOffset };
    if (s.userId !== undefined) e.userId = s.userId.toString();
    if (s.updatesState) e.updatesState = { ...s.updatesState };
    if (s.peers) e.peers = s.peers.map((p) => (p.username === undefined ? [p.id.toString(), p.accessHash.toString()] : [p.id.toString(), p.accessHash.toString(), p.username]));
    if (s.secretChats) e.secretChats = structuredClone(s.secretChats);
    (await this.entries())[name] = e;
    await this.save();
  }

  async delete(name: string): Promise<void> {
    delete (await this.entries())[name];
    await this.save();
  }

  private save(): Promise<void> {
    // One write at a time, each writing the latest state. A failed write rejects its own caller only:
    // the chain goes on from it (else every later save would fail with the same error).
    const write = this.writing.then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, toJson(this.cache, 2), { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}
