// The default storage: state lives as long as the storage object (copies in, copies out).
import type { Storage, StoredSession } from './storage.ts';

export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, StoredSession>();

  get(name: string): StoredSession | undefined {
    const s = this.entries.get(name);
    return s && { ...s, authKey: s.authKey.slice() };
  }

  set(name: string, session: StoredSession): void {
    this.entries.set(name, { ...session, authKey: session.authKey.slice() });
  }

  delete(name: string): void {
    this.entries.delete(name);
  }
}
