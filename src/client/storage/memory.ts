// The default storage: state lives as long as the storage object (copies in, copies out).
import type { Storage, StoredSession } from './storage.ts';

function copy(s: StoredSession): StoredSession {
  return {
    ...s,
    authKey: s.authKey.slice(),
    updatesState: s.updatesState && { ...s.updatesState },
    peers: s.peers?.map((p) => ({ ...p })),
  };
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
