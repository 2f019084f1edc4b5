// The default storage: state lives as long as the storage object (copies in, copies out).
import type { Storage, StoredSession } from './storage.ts';

function copy(s: StoredSession): StoredSession {
  const out: StoredSession = { ...s, authKey: s.authKey.slice() };
  if (s.updatesState) out.updatesState = { ...s.updatesState };
  if (s.peers) out.peers = s.peers.map((p) => ({ ...p }));
  if (s.secretChats) out.secretChats = structuredClone(s.secretChats);
  return out;
}

export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, StoredSession>();

  get(name: string): StoredSession | undefined {
    const s = this.entries.get(name);
    return s && copy(s);
  }

  set(name: string, session: StoredSession): void {
    this.entries.set(name, copy(session));
  }

  delete(name: string): void {
    this.entries.delete(name);
  }
}
