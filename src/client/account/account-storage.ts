// The Storage TelegramClient hands to its MtprotoClient (and to the file-transfer pool): it passes the
// auth key, salt and clock through to the app's Storage and keeps TelegramClient's own fields (userId,
// updatesState, peers) in the same entry, so a save by the session layer never drops them and a save of
// them never needs the session layer. Saves of TelegramClient's fields are coalesced: at most one write
// in flight, the latest state written next.
import type { Storage, StoredSession } from '../storage/storage.ts';

export type AccountFields = Pick<StoredSession, 'userId' | 'updatesState' | 'peers' | 'secretChats'>;

export class AccountStorage implements Storage {
  private base?: StoredSession;
  private fields: AccountFields = {};
  private writing?: Promise<void>;
  private dirty = false;
  /** Fields computed when written (the secret chats: exported at write time, once per write). */
  private lazy?: () => AccountFields;

  /** `onReset`: the session layer deleted the entry (the server forgot the auth key): the account is signed out. */
  constructor(readonly inner: Storage, readonly name: string, private readonly onReset: () => void) {}

  /** Reads the stored entry; returns TelegramClient's fields of it. */
  async load(): Promise<AccountFields> {
    const s = await this.inner.get(this.name);
    if (s) {
      this.base = s;
      this.fields = { userId: s.userId, updatesState: s.updatesState, peers: s.peers, secretChats: s.secretChats };
    }
    return { ...this.fields };
  }

  async get(name: string): Promise<StoredSession | undefined> {
    const s = await this.inner.get(name);
    if (name === this.name && s) this.base = s;
    return s && name === this.name ? { ...s, ...this.present() } : s;
  }

  async set(name: string, session: StoredSession): Promise<void> {
    if (name !== this.name) return this.inner.set(name, session);
    this.base = { dcId: session.dcId, authKey: session.authKey, salt: session.salt, timeOffset: session.timeOffset };
    await this.inner.set(name, { ...this.base, ...this.present() });
  }

  async delete(name: string): Promise<void> {
    if (name === this.name) {
      this.base = undefined;
      this.fields = {};
      this.onReset();
    }
    await this.inner.delete(name);
  }

  /** Changes TelegramClient's fields and saves them soon (nothing is written before an auth key exists). */
  update(fields: AccountFields): void {
    Object.assign(this.fields, fields);
    this.dirty = true;
    if (!this.writing) this.writing = this.writeLoop();
  }

  /** Fields read when the entry is written; touch() says they changed. */
  provide(fields: () => AccountFields): void {
    this.lazy = fields;
  }

  /** The provided fields changed: write soon. */
  touch(): void {
    this.update({});
  }

  /** Resolves when every change made so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    try {
      await Promise.resolve(); // gather the changes of this tick
      while (this.dirty) {
        this.dirty = false;
        if (!this.base) break;
        try {
          await this.inner.set(this.name, { ...this.base, ...this.present() });
        } catch {
          // The next change writes again; the auth key's own saves report their failures.
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private present(): AccountFields {
    if (this.lazy) Object.assign(this.fields, this.lazy());
    const f: AccountFields = {};
    if (this.fields.userId !== undefined) f.userId = this.fields.userId;
    if (this.fields.updatesState) f.updatesState = this.fields.updatesState;
    if (this.fields.peers) f.peers = this.fields.peers;
    if (this.fields.secretChats) f.secretChats = this.fields.secretChats;
    return f;
  }
}
