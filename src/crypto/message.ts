// MTProto 2.0 message encryption for the session layer, on the WASM core's fused call (bindings/message.ts).
// The same API in pure TypeScript: src/crypto/js/message.ts.
import * as wasm from '../../bindings/message.ts';
import { createMessageCrypto } from './message-seal.ts';

export {
  loadAuthKey, messageArena, encryptMessageInPlace, decryptMessageInPlace, encryptMessage, decryptMessage,
  messageAesKeyIv, firstFailedCheck, MESSAGE_CHECKS, MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE,
} from '../../bindings/message.ts';
export type { LoadedAuthKey, MessageArena, MessageCheck, MessageRegion } from '../../bindings/message.ts';
export { paddingLength, type MessageFields, type OpenedMessage, type OpenedRegion } from './message-seal.ts';

export const { sealMessage, openMessage, sealMessageInPlace, openMessageInPlace } = createMessageCrypto(wasm);
