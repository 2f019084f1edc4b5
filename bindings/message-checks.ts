// Constants, result types and check names of MTProto 2.0 message crypto, shared by the WASM bindings
// (bindings/message.ts) and the pure-TS twin (which must not pull in the WASM module).

/** auth_key_id (8) + msg_key (16) in front of the encrypted data. */
export const MESSAGE_HEADER_SIZE = 24;
/** salt, session_id, msg_id, seq_no, message_data_length at the start of the plaintext. */
export const PLAINTEXT_HEADER_SIZE = 32;

/** The checks of a received message, in the order the Security Guidelines list them (and we report). */
export const MESSAGE_CHECKS = ['auth_key_id', 'length', 'msg_key', 'message_length', 'padding', 'session_id'] as const;
export type MessageCheck = (typeof MESSAGE_CHECKS)[number];

/** The first failed check of a status bitmask from the core (bit i = MESSAGE_CHECKS[i]). */
export function firstFailedCheck(status: number): MessageCheck | undefined {
  if (status === 0) return undefined;
  return MESSAGE_CHECKS[31 - Math.clz32(status & -status)];
}

/** An auth key loaded for message encryption; `id` is its auth_key_id (wire bytes). */
export interface LoadedAuthKey {
  readonly id: Uint8Array;
  /** Wipes the key from memory; the handle cannot be used afterwards. */
  dispose(): void;
}

/** Where a decrypted message lies (offsets into the arena view), or which check it failed. */
export interface MessageRegion {
  /** The first failed check in guideline order, or undefined when the message is valid. */
  check: MessageCheck | undefined;
  /** Offset of the decrypted plaintext (salt …), its length (multiple of 16, padding included). */
  plaintextOffset: number;
  plaintextLength: number;
  /** Offset and length of message_data (meaningful only when check is undefined). */
  bodyOffset: number;
  messageLength: number;
}

/** A writable view over the arena, for TlWriter.into(view, offset). */
export interface MessageArena {
  view: Uint8Array<ArrayBuffer>;
  offset: number;
  length: number;
}
