// The in-memory CloudStore. Every change is one StoreRecord passed through apply(), so the disk store
// (disk-store.ts) only has to journal the records and replay them on open.
import type { TlObject } from '../../tl/generated/types.ts';
import {
  INITIAL_PTS,
  type CloudStore,
  type LoggedQtsUpdate,
  type LoggedSeqUpdate,
  type StoredEncryptedChat,
  type StoredEncryptedFile,
  type LoggedUpdate,
  type ReadState,
  type StoredAuthKey,
  type StoredMessage,
  type StoredUser,
  type UserState,
} from './store.ts';

export type StoreRecord =
  | { t: 'user'; user: StoredUser }
  | { t: 'bind'; key: string; userId: number }
  | { t: 'unbind'; key: string }
  | { t: 'authKey'; key: StoredAuthKey }
  | { t: 'msg'; m: StoredMessage }
  | { t: 'delmsg'; ownerId: number; id: number }
  | { t: 'read'; ownerId: number; peerId: number; read: Partial<ReadState> }
  | { t: 'upd'; userId: number; u: LoggedUpdate }
  | { t: 'qupd'; userId: number; u: LoggedQtsUpdate }
  | { t: 'supd'; userId: number; u: LoggedSeqUpdate }
  | { t: 'echat'; chat: StoredEncryptedChat }
  | { t: 'efile'; file: StoredEncryptedFile }
  | { t: 'esend'; key: string; answer: TlObject };

export interface MemoryCloudStoreOptions {
  /** Most updates kept per user for getDifference; older ones make it answer differenceTooLong (default 100 000). */
  maxLoggedUpdates?: number;
  /** Answers to sendEncrypted* kept so a repeated send is answered once (default 100 000, the latest). */
  maxAnsweredSends?: number;
}

interface Box {
  byId: Map<number, StoredMessage>;
  /** Per peer, ascending by id. */
  dialogs: Map<number, StoredMessage[]>;
  byRandomId: Map<bigint, number>;
  read: Map<number, ReadState>;
  state: UserState;
  log: LoggedUpdate[];
  /** pts before the oldest logged update. */
  logStart: number;
  qlog: LoggedQtsUpdate[];
  qlogStart: number;
  slog: LoggedSeqUpdate[];
}

export class MemoryCloudStore implements CloudStore {
  private readonly users = new Map<number, StoredUser>();
  private readonly phones = new Map<string, number>();
  private readonly usernames = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly userKeys = new Map<number, string[]>();
  private readonly serverKeys = new Map<string, StoredAuthKey>();
  private readonly boxes = new Map<number, Box>();
  private readonly echats = new Map<number, StoredEncryptedChat>();
  /** Secret chat ids by member (creator and participant). */
  private readonly echatsOf = new Map<number, Set<number>>();
  private readonly efiles = new Map<bigint, StoredEncryptedFile>();
  private readonly esends = new Map<string, TlObject>();
  private lastUserId = 0;
  private readonly maxLog: number;
  private readonly maxSends: number;

  constructor(options: MemoryCloudStoreOptions = {}) {
    this.maxLog = options.maxLoggedUpdates ?? 100_000;
    this.maxSends = options.maxAnsweredSends ?? 100_000;
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  /** Applies one change (and, in the disk store, journals it). */
  protected commit(record: StoreRecord): void {
    this.apply(record);
  }

  protected apply(r: StoreRecord): void {
    switch (r.t) {
      case 'user': {
        const old = this.users.get(r.user.id);
        if (old?.username) this.usernames.delete(old.username.toLowerCase());
        if (old) this.phones.delete(old.phone);
        const user = { ...r.user };
        this.users.set(user.id, user);
        this.phones.set(user.phone, user.id);
        if (user.username) this.usernames.set(user.username.toLowerCase(), user.id);
        if (user.id > this.lastUserId) this.lastUserId = user.id;
        return;
      }
      case 'bind': {
        this.dropKey(r.key);
        this.keys.set(r.key, r.userId);
        const list = this.userKeys.get(r.userId) ?? [];
        list.push(r.key);
        this.userKeys.set(r.userId, list);
        return;
      }
      case 'unbind':
        this.dropKey(r.key);
        return;
      case 'authKey':
        this.serverKeys.set(r.key.id, r.key);
        return;
      case 'msg': {
        const m = { ...r.m };
        const box = this.box(m.ownerId);
        const old = box.byId.get(m.id);
        box.byId.set(m.id, m);
        const list = box.dialogs.get(m.peerId) ?? [];
        if (old) list[indexOf(list, m.id)] = m;
        else if (list.length === 0 || list[list.length - 1].id < m.id) list.push(m);
        else list.splice(insertionIndex(list, m.id), 0, m);
        box.dialogs.set(m.peerId, list);
        if (m.randomId !== undefined && m.out) box.byRandomId.set(m.randomId, m.id);
        if (m.id > box.state.lastMessageId) box.state.lastMessageId = m.id;
        return;
      }
      case 'delmsg': {
        const box = this.box(r.ownerId);
        const m = box.byId.get(r.id);
        if (!m) return;
        box.byId.delete(r.id);
        const list = box.dialogs.get(m.peerId)!;
        list.splice(indexOf(list, m.id), 1);
        if (list.length === 0) box.dialogs.delete(m.peerId);
        if (m.randomId !== undefined) box.byRandomId.delete(m.randomId);
        return;
      }
      case 'read': {
        const box = this.box(r.ownerId);
        const read = box.read.get(r.peerId) ?? { inbox: 0, outbox: 0 };
        box.read.set(r.peerId, { ...read, ...r.read });
        return;
      }
      case 'upd': {
        const box = this.box(r.userId);
        box.state.pts = r.u.pts;
        box.state.date = r.u.date;
        box.logStart = this.appendCapped(box.log, r.u)?.pts ?? box.logStart;
        return;
      }
      case 'qupd': {
        const box = this.box(r.userId);
        box.state.qts = r.u.qts;
        box.state.date = r.u.date;
        box.qlogStart = this.appendCapped(box.qlog, r.u)?.qts ?? box.qlogStart;
        return;
      }
      case 'supd': {
        const box = this.box(r.userId);
        box.state.seq = r.u.seq;
        box.state.seqDate = r.u.date;
        this.appendCapped(box.slog, r.u);
        return;
      }
      case 'echat':
        this.echats.set(r.chat.id, { ...r.chat });
        for (const member of [r.chat.adminId, r.chat.participantId]) {
          let ids = this.echatsOf.get(member);
          if (!ids) this.echatsOf.set(member, (ids = new Set()));
          ids.add(r.chat.id);
        }
        return;
      case 'efile':
        this.efiles.set(r.file.id, { ...r.file });
        return;
      case 'esend':
        this.esends.set(r.key, r.answer);
        // A repeat comes soon after its send (a lost answer): the oldest answers go (one per secret message
        // ever sent would grow without bound).
        if (this.esends.size > this.maxSends) this.esends.delete(this.esends.keys().next().value!);
        return;
    }
  }

  /** Appends to an update log kept to maxLog entries; returns the newest entry dropped, if any. */
  private appendCapped<E>(log: E[], entry: E): E | undefined {
    log.push(entry);
    if (log.length <= this.maxLog) return undefined;
    const dropped = log.splice(0, log.length - this.maxLog);
    return dropped[dropped.length - 1];
  }

  private dropKey(key: string): void {
    const userId = this.keys.get(key);
    if (userId === undefined) return;
    this.keys.delete(key);
    const list = this.userKeys.get(userId)?.filter((k) => k !== key) ?? [];
    if (list.length) this.userKeys.set(userId, list);
    else this.userKeys.delete(userId);
  }

  private box(userId: number): Box {
    let box = this.boxes.get(userId);
    if (!box) {
      box = {
        byId: new Map(), dialogs: new Map(), byRandomId: new Map(), read: new Map(),
        state: { pts: INITIAL_PTS, qts: 0, seq: 0, date: 0, lastMessageId: 0, seqDate: 0 },
        log: [], logStart: INITIAL_PTS, qlog: [], qlogStart: 0, slog: [],
      };
      this.boxes.set(userId, box);
    }
    return box;
  }

  createUser(fields: Omit<StoredUser, 'id'>): StoredUser {
    const user = { ...fields, id: this.lastUserId + 1 };
    this.commit({ t: 'user', user });
    return { ...user };
  }

  putUser(user: StoredUser): void {
    this.commit({ t: 'user', user: { ...user } });
  }

  user(id: number): StoredUser | undefined {
    const u = this.users.get(id);
    return u && { ...u };
  }

  userByPhone(phone: string): StoredUser | undefined {
    const id = this.phones.get(phone);
    return id === undefined ? undefined : this.user(id);
  }

  userByUsername(username: string): StoredUser | undefined {
    const id = this.usernames.get(username.toLowerCase());
    return id === undefined ? undefined : this.user(id);
  }

  bindKey(authKeyId: string, userId: number): void {
    this.commit({ t: 'bind', key: authKeyId, userId });
  }

  unbindKey(authKeyId: string): void {
    if (this.keys.has(authKeyId)) this.commit({ t: 'unbind', key: authKeyId });
  }

  userOfKey(authKeyId: string): number | undefined {
    return this.keys.get(authKeyId);
  }

  keysOfUser(userId: number): readonly string[] {
    return this.userKeys.get(userId) ?? [];
  }

  saveAuthKey(key: StoredAuthKey): void {
    this.commit({ t: 'authKey', key: { id: key.id, authKey: key.authKey.slice(), serverSalt: key.serverSalt.slice() } });
  }

  authKeys(): StoredAuthKey[] {
    return [...this.serverKeys.values()].map((k) => ({ id: k.id, authKey: k.authKey.slice(), serverSalt: k.serverSalt.slice() }));
  }

  state(userId: number): UserState {
    return { ...this.box(userId).state };
  }

  putMessage(message: StoredMessage): void {
    this.commit({ t: 'msg', m: message });
  }

  message(ownerId: number, id: number): StoredMessage | undefined {
    return this.boxes.get(ownerId)?.byId.get(id);
  }

  deleteMessage(ownerId: number, id: number): void {
    if (this.message(ownerId, id)) this.commit({ t: 'delmsg', ownerId, id });
  }

  messageByRandomId(ownerId: number, randomId: bigint): StoredMessage | undefined {
    const box = this.boxes.get(ownerId);
    const id = box?.byRandomId.get(randomId);
    return id === undefined ? undefined : box!.byId.get(id);
  }

  history(ownerId: number, peerId: number): readonly StoredMessage[] {
    return this.boxes.get(ownerId)?.dialogs.get(peerId) ?? [];
  }

  dialogPeers(ownerId: number): number[] {
    return [...(this.boxes.get(ownerId)?.dialogs.keys() ?? [])];
  }

  readState(ownerId: number, peerId: number): ReadState {
    return { ...(this.boxes.get(ownerId)?.read.get(peerId) ?? { inbox: 0, outbox: 0 }) };
  }

  setRead(ownerId: number, peerId: number, read: Partial<ReadState>): void {
    this.commit({ t: 'read', ownerId, peerId, read });
  }

  appendUpdate(userId: number, ptsCount: number, date: number, build: (pts: number) => TlObject): LoggedUpdate {
    const pts = this.box(userId).state.pts + ptsCount;
    const u: LoggedUpdate = { pts, ptsCount, date, update: build(pts) };
    this.commit({ t: 'upd', userId, u });
    return u;
  }

  updatesAfter(userId: number, pts: number, limit: number): LoggedUpdate[] {
    const log = this.boxes.get(userId)?.log ?? [];
    // Binary search for the first entry with pts > `pts`.
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid].pts <= pts) lo = mid + 1;
      else hi = mid;
    }
    return log.slice(lo, lo + limit);
  }

  oldestPts(userId: number): number {
    return this.boxes.get(userId)?.logStart ?? INITIAL_PTS;
  }

  appendQtsUpdate(userId: number, date: number, build: (qts: number) => TlObject): LoggedQtsUpdate {
    const qts = this.box(userId).state.qts + 1;
    const u: LoggedQtsUpdate = { qts, date, update: build(qts) };
    this.commit({ t: 'qupd', userId, u });
    return u;
  }

  qtsUpdatesAfter(userId: number, qts: number, limit: number): LoggedQtsUpdate[] {
    const log = this.boxes.get(userId)?.qlog ?? [];
    const start = log.findIndex((u) => u.qts > qts);
    return start < 0 ? [] : log.slice(start, start + limit);
  }

  oldestQts(userId: number): number {
    return this.boxes.get(userId)?.qlogStart ?? 0;
  }

  appendSeqUpdate(userId: number, date: number, build: (seq: number, date: number) => TlObject): LoggedSeqUpdate {
    const state = this.box(userId).state;
    const seq = state.seq + 1;
    const at = Math.max(date, state.seqDate + 1);
    const u: LoggedSeqUpdate = { seq, date: at, update: build(seq, at) };
    this.commit({ t: 'supd', userId, u });
    return u;
  }

  seqUpdatesAfter(userId: number, date: number, limit: number): LoggedSeqUpdate[] {
    const log = this.boxes.get(userId)?.slog ?? [];
    const start = log.findIndex((u) => u.date > date);
    return start < 0 ? [] : log.slice(start, start + limit);
  }

  putEncryptedChat(chat: StoredEncryptedChat): void {
    this.commit({ t: 'echat', chat: { ...chat } });
  }

  encryptedChat(id: number): StoredEncryptedChat | undefined {
    const c = this.echats.get(id);
    return c && { ...c };
  }

  encryptedChats(): StoredEncryptedChat[] {
    return [...this.echats.values()].map((c) => ({ ...c }));
  }

  encryptedChatsOf(userId: number): StoredEncryptedChat[] {
    return [...(this.echatsOf.get(userId) ?? [])].map((id) => ({ ...this.echats.get(id)! }));
  }

  putEncryptedFile(file: StoredEncryptedFile): void {
    this.commit({ t: 'efile', file: { ...file } });
  }

  encryptedFile(id: bigint): StoredEncryptedFile | undefined {
    const f = this.efiles.get(id);
    return f && { ...f };
  }

  putEncryptedSend(key: string, answer: TlObject): void {
    this.commit({ t: 'esend', key, answer });
  }

  encryptedSend(key: string): TlObject | undefined {
    return this.esends.get(key);
  }

  close(): void {}
}

function indexOf(list: StoredMessage[], id: number): number {
  const i = insertionIndex(list, id);
  return list[i]?.id === id ? i : -1;
}

/** First index whose id is >= `id`. */
function insertionIndex(list: StoredMessage[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
