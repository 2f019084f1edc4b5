// What a SecretChat exchanges with the outside: ciphertext records going to the relay (the server's
// messages.sendEncrypted*), ciphertext records coming from it (updateNewEncryptedMessage), and events for
// the application. The chat never sees the network and the relay never sees plaintext.
import type { MtprotoError } from '../../errors.ts';
import type { Secret } from '../../tl/secret.ts';

/** A ciphertext to hand to messages.sendEncrypted (service: sendEncryptedService; file: sendEncryptedFile). */
export interface SecretOutgoing {
  chatId: number;
  /**
   * The outer random_id of the send call: the message's own random_id, or a fresh one for a resend
   * (decryptedMessageActionResend), which the server must relay as a new send.
   */
  randomId: bigint;
  /** key_fingerprint + msg_key + encrypted decryptedMessageLayer. */
  data: Uint8Array;
  service: boolean;
  /** Opaque to the chat: the InputEncryptedFile the caller uploaded (sendEncryptedFile). */
  file?: unknown;
  /** True when this is a resend of an earlier message (decryptedMessageActionResend), not a new one. */
  resend: boolean;
}

/** The public part of an encrypted file attached outside the ciphertext (EncryptedFile). */
export interface SecretFileInfo {
  id?: bigint;
  accessHash?: bigint;
  size?: number | bigint;
  dcId?: number;
  /** The 32-bit fingerprint of the file's key and iv, checked against the key and iv in the message. */
  keyFingerprint: number;
}

/** A ciphertext received for this chat (updateNewEncryptedMessage / encryptedMessageService). */
export interface SecretIncoming {
  bytes: Uint8Array;
  file?: SecretFileInfo;
  date?: number;
}

export type SecretMessage = Secret.RawDecryptedMessage | Secret.RawDecryptedMessage46 | Secret.RawDecryptedMessage23 | Secret.RawDecryptedMessage8;

export type SecretChatEvent =
  /** A message in the peer's order (held back while a gap before it is being filled). */
  | { type: 'message'; chatId: number; randomId: bigint; message: SecretMessage; file?: SecretFileInfo; seq: number }
  /** A service action of the peer (typing, TTL, read, delete, screenshot, flush, notify layer). */
  | { type: 'action'; chatId: number; randomId: bigint; action: Secret.TypeDecryptedMessageAction; seq: number }
  /** A message that was refused (typed error naming the check); the chat goes on. */
  | { type: 'error'; chatId: number; error: MtprotoError }
  /** The chat switched to a new key (re-keying completed on our side). */
  | { type: 'key'; chatId: number; fingerprint: bigint; exchangeId: bigint }
  /** Messages whose self-destruct timer ran out (TTL after reading). */
  | { type: 'expired'; chatId: number; randomIds: bigint[] };

export type SecretChatListener = (event: SecretChatEvent) => void;
