// The cloud's state behind one interface: users, which auth key is signed in as whom, per-user message
// boxes (in private chats each user has their own message id sequence), read state per dialog, and per
// user the pts/qts/seq state with the logs of pts-, qts- and seq-bearing updates that updates.getDifference
// replays, and the secret-chat relay's records (chats, encrypted files, answered sends). Implementations: MemoryCloudStore (memory-store.ts) and DiskCloudStore (disk-store.ts).
//
// The interface is synchronous: the state lives in memory; the disk store journals every change.
// transaction() groups the changes of one operation (a message in both boxes and both users' update
// logs) so that the disk store writes them as one record: a crash keeps all of it or none.
import type { TlObject } from '../../tl/generated/types.ts';

export interface StoredUser {
  id: number;
  /** Checked on every InputUser/InputPeerUser naming this user. */
  accessHash: bigint;
  /** Digits only, e.g. "9996621234". */
  phone: string;
  firstName: string;
  lastName: string;
  username?: string;
  /** Unix seconds. */
  createdAt: number;
}

export interface StoredMessage {
  /** The box's owner (the user whose message id sequence `id` belongs to). */
  ownerId: number;
  id: number;
  /** The other side of the private chat (ownerId itself for Saved Messages). */
  peerId: number;
  /** Sent by the owner. */
  out: boolean;
  date: number;
  message: string;
  entities?: TlObject[];
  /** A MessageMedia model object. */
  media?: TlObject;
  editDate?: number;
  /** The sender's random_id (sender's copy only). */
  randomId?: bigint;
  /** The same message in the other user's box. */
  link?: { ownerId: number; id: number };
}

export interface UserState {
  pts: number;
  qts: number;
  seq: number;
  /** Date of the latest logged update. */
  date: number;
  /** The highest message id used in this user's box. */
  lastMessageId: number;
  /** Date of the latest seq-ordered update (strictly increasing per user; getDifference's `date` names it). */
  seqDate: number;
}

export interface ReadState {
  /** Incoming messages up to this id are read. */
  inbox: number;
  /** Outgoing messages up to this id were read by the peer. */
  outbox: number;
}

/** A pts-bearing update as the user saw it, with the pts after it (its own pts field). */
export interface LoggedUpdate {
  pts: number;
  ptsCount: number;
  date: number;
  update: TlObject;
}

/** A qts-bearing update (secret chats: updateNewEncryptedMessage and friends). */
export interface LoggedQtsUpdate {
  qts: number;
  date: number;
  update: TlObject;
}

/**
 * A seq-ordered update without pts or qts (updateEncryption): pushed in an `updates` container with this
 * seq and date, replayed by getDifference to a client whose state's date is older than `date`. Dates of one
 * user's seq updates strictly increase, so the date alone names a position in this log.
 */
export interface LoggedSeqUpdate {
  seq: number;
  date: number;
  update: TlObject;
}

/** A secret chat as the relay keeps it: public DH values and ids, never a key. */
export interface StoredEncryptedChat {
  id: number;
  accessHash: bigint;
  date: number;
  adminId: number;
  participantId: number;
  gA: Uint8Array;
  gB?: Uint8Array;
  keyFingerprint?: bigint;
  state: 'requested' | 'ready' | 'discarded';
}

/** An encrypted file the relay handed out (its document in the file service). */
export interface StoredEncryptedFile {
  id: bigint;
  accessHash: bigint;
  fileReference: Uint8Array;
  /** What the EncryptedFile said, for sending the file again by inputEncryptedFile (absent in older data). */
  size?: bigint;
  keyFingerprint?: number;
}

/** A permanent server auth key (the server forgets keys on restart unless they are stored). */
export interface StoredAuthKey {
  /** auth_key_id, hex. */
  id: string;
  authKey: Uint8Array;
  serverSalt: Uint8Array;
}

export interface CloudStore {
  /** Runs `fn` as one unit: the disk store writes its changes as one record. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;

  createUser(fields: Omit<StoredUser, 'id'>): StoredUser;
  putUser(user: StoredUser): void;
  user(id: number): StoredUser | undefined;
  userByPhone(phone: string): StoredUser | undefined;
  /** Case-insensitive. */
  userByUsername(username: string): StoredUser | undefined;

  bindKey(authKeyId: string, userId: number): void;
  unbindKey(authKeyId: string): void;
  userOfKey(authKeyId: string): number | undefined;
  /** Auth keys bound to this user (for pushing to their sessions). */
  keysOfUser(userId: number): readonly string[];
  saveAuthKey(key: StoredAuthKey): void;
  authKeys(): StoredAuthKey[];

  /** A copy; a user never seen has the initial state. */
  state(userId: number): UserState;

  /** Adds or replaces a message (a new id above lastMessageId raises it). */
  putMessage(message: StoredMessage): void;
  message(ownerId: number, id: number): StoredMessage | undefined;
  deleteMessage(ownerId: number, id: number): void;
  messageByRandomId(ownerId: number, randomId: bigint): StoredMessage | undefined;
  /** The dialog's messages, ascending by id (do not mutate). */
  history(ownerId: number, peerId: number): readonly StoredMessage[];
  /** Peers with at least one message in the owner's box. */
  dialogPeers(ownerId: number): number[];
  readState(ownerId: number, peerId: number): ReadState;
  setRead(ownerId: number, peerId: number, read: Partial<ReadState>): void;

  /** Raises the user's pts by ptsCount and logs the update `build(pts)` makes. */
  appendUpdate(userId: number, ptsCount: number, date: number, build: (pts: number) => TlObject): LoggedUpdate;
  /** Logged updates with pts > `pts`, oldest first, at most `limit`. */
  updatesAfter(userId: number, pts: number, limit: number): LoggedUpdate[];
  /** The lowest pts getDifference can start from (older updates were dropped from the log). */
  oldestPts(userId: number): number;
  appendQtsUpdate(userId: number, date: number, build: (qts: number) => TlObject): LoggedQtsUpdate;
  qtsUpdatesAfter(userId: number, qts: number, limit: number): LoggedQtsUpdate[];
  oldestQts(userId: number): number;
  /** Raises the user's seq by one and logs the update; its date is max(date, the previous seq date + 1). */
  appendSeqUpdate(userId: number, date: number, build: (seq: number, date: number) => TlObject): LoggedSeqUpdate;
  /** Logged seq updates with date > `date`, oldest first, at most `limit`. */
  seqUpdatesAfter(userId: number, date: number, limit: number): LoggedSeqUpdate[];

  /** Secret chats (SecretRelay): adds or replaces the record. */
  putEncryptedChat(chat: StoredEncryptedChat): void;
  encryptedChat(id: number): StoredEncryptedChat | undefined;
  encryptedChats(): StoredEncryptedChat[];
  /** The secret chats `userId` is in (as creator or participant). */
  encryptedChatsOf(userId: number): StoredEncryptedChat[];
  putEncryptedFile(file: StoredEncryptedFile): void;
  encryptedFile(id: bigint): StoredEncryptedFile | undefined;
  /** The answer given to a sendEncrypted* call (`key`: chat, sender, random_id), so a repeat is answered once. */
  putEncryptedSend(key: string, answer: TlObject): void;
  encryptedSend(key: string): TlObject | undefined;

  close(): void;
}

/** A new user's state: pts starts at 1 (as on Telegram), qts and seq at 0. */
export const INITIAL_PTS = 1;
