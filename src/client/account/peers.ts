// Users the client has seen, with their access hashes (needed for every InputPeer/InputUser that names
// them), and usernames → ids. Filled from every `users` vector that passes by; persisted with the session.
import type { TypeInputPeer, TypeUser } from '../../tl/generated/types.ts';
import type { StoredPeer } from '../storage/storage.ts';

export class PeerCache {
  private readonly byId = new Map<bigint, StoredPeer>();
  private readonly byUsername = new Map<string, bigint>();
  /** Bumped on every change (the owner persists when it moved). */
  version = 0;

  constructor(private readonly limit = 10_000) {}

  load(peers: readonly StoredPeer[] | undefined): void {
    for (const p of peers ?? []) this.put(p.id, p.accessHash, p.username);
  }

  /** Remembers every full user (a `min` user's access hash is not usable for InputPeerUser). */
  addUsers(users: readonly TypeUser[]): void {
    for (const u of users) {
      if (u._ !== 'user' || u.accessHash === undefined || u.min) continue;
      this.put(u.id, u.accessHash, u.username);
    }
  }

  get(id: bigint): StoredPeer | undefined {
    return this.byId.get(id);
  }

  idOf(username: string): bigint | undefined {
    return this.byUsername.get(username.toLowerCase());
  }

  inputPeer(id: bigint): TypeInputPeer | undefined {
    const p = this.byId.get(id);
    return p && { _: 'inputPeerUser', userId: p.id, accessHash: p.accessHash };
  }

  list(): StoredPeer[] {
    return [...this.byId.values()].map((p) => ({ ...p }));
  }

  clear(): void {
    this.byId.clear();
    this.byUsername.clear();
    this.version++;
  }

  private put(id: bigint, accessHash: bigint, username: string | undefined): void {
    const old = this.byId.get(id);
    if (old && old.accessHash === accessHash && old.username === username) return;
    if (old?.username !== undefined && old.username !== username) this.byUsername.delete(old.username.toLowerCase());
    this.byId.delete(id); // re-inserted last: the oldest entries go first past the limit
    this.byId.set(id, username === undefined ? { id, accessHash } : { id, accessHash, username });
    if (username !== undefined) this.byUsername.set(username.toLowerCase(), id);
    if (this.byId.size > this.limit) {
      const oldest = this.byId.values().next().value as StoredPeer;
      this.byId.delete(oldest.id);
      if (oldest.username !== undefined) this.byUsername.delete(oldest.username.toLowerCase());
    }
    this.version++;
  }
}
