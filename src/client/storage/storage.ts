// What a client keeps between runs, per server (DC): the auth key, and what it learned about the
// server's clock and salt. A small interface so an app can keep it wherever it likes.
import type { SecretChatsState } from '../secret/manager.ts';
export interface StoredSession {
  /** The DC (or server) this state belongs to. */
  dcId: number;
  /** 256 bytes. */
  authKey: Uint8Array;
  /** The last server salt in use (signed 64-bit, as on the wire). */
  salt: bigint;
  /** server_time − local_time in seconds. */
  timeOffset: number;
  /** TelegramClient: the user this auth key is signed in as. */
  userId?: bigint;
  /** TelegramClient: the updates state last applied (a client started later catches up from it). */
  updatesState?: { pts: number; qts: number; date: number; seq: number };
  /** TelegramClient: users seen (their access hashes, for InputPeer/InputUser). */
  peers?: StoredPeer[];
  /** TelegramClient: its secret chats (keys, seq numbers, pending requests) — secrets, like the auth key. */
  secretChats?: SecretChatsState;
}

export interface StoredPeer {
  id: bigint;
  accessHash: bigint;
  username?: string;
}

export interface Storage {
  get(name: string): Promise<StoredSession | undefined> | StoredSession | undefined;
  set(name: string, session: StoredSession): Promise<void> | void;
  delete(name: string): Promise<void> | void;
}
