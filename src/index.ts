// mtproto-wasm: the package root, the same in Node, Deno, Bun and browsers (no node:* module, Buffer or
// process is loaded by importing it; TCP loads node:net on first use). The crypto primitives here run in the WASM core (see bindings/);
// the same names in pure TypeScript come from `mtproto-wasm/js`.
export { aesIgeEncrypt, aesIgeDecrypt, aesIgeEncryptInPlace, aesIgeDecryptInPlace, createAesCtr } from '../bindings/aes.ts';
export type { AesCtr } from '../bindings/aes.ts';
export { sha1, sha256, sha1InPlace, sha256InPlace } from '../bindings/sha.ts';
export { crc32, crc32InPlace } from '../bindings/crc32.ts';
export { modPow, factorizePQ, factorizePQInPlace } from '../bindings/bigint.ts';

export { serialize, serializeInto, deserialize, deserializeResult, TL_LAYER, type TlSerializable } from './tl/codec.ts';
export type * from './tl/generated/types.ts';
export { TlError, MtprotoError, TransportError, SecurityError } from './errors.ts';
export { parsePublicKeyPem, parsePrivateKeyPem, publicKeyToPem, rsaFingerprint, type RsaPublicKey, type RsaPrivateKey } from './crypto/rsa.ts';
export {
  loadAuthKey, messageArena, encryptMessageInPlace, decryptMessageInPlace, encryptMessage, decryptMessage,
  sealMessage, openMessage, sealMessageInPlace, openMessageInPlace, paddingLength, messageAesKeyIv, MESSAGE_CHECKS,
  MESSAGE_HEADER_SIZE, PLAINTEXT_HEADER_SIZE,
} from './crypto/message.ts';
export type { LoadedAuthKey, MessageArena, MessageCheck, MessageRegion, MessageFields, OpenedMessage, OpenedRegion } from './crypto/message.ts';
export { createAuthKey, AuthKeyExchangeClient, AuthKeyServer, ExchangeFailedError, packUnencrypted, unpackUnencrypted } from './session/exchange/index.ts';
export type { AuthKey, AuthKeyExchangeOptions, AuthKeyServerOptions, AuthKeyServerHooks, CreatedAuthKey } from './session/exchange/index.ts';
export { TELEGRAM_PRODUCTION_KEY, TELEGRAM_TEST_KEY, telegramPublicKeys } from './crypto/telegram-keys.ts';
export { TELEGRAM_PRODUCTION_DCS, TELEGRAM_TEST_DCS, telegramDc, type TelegramDc } from './transport/telegram-dcs.ts';
export { RpcError, CallError } from './errors.ts';
export { MtprotoClient, type MtprotoClientOptions, type InvokeOptions, type ClientEvent } from './client/client.ts';
export { MemoryStorage } from './client/storage/memory.ts';
export {
  TelegramClient, type TelegramClientOptions, type Peer, type SignUpProfile, type LoginCode, type SendMessageOptions, type SendFileOptions,
  type HistoryOptions, type DialogsOptions, type Dialog, TelegramSecretChats,
} from './client/telegram-client.ts';
export { UpdatesEngine, type UpdatesEngineOptions, type UpdatesEngineEvent, type UpdatesInvoker } from './client/updates/engine.ts';
export type { UpdatesState } from './client/updates/state.ts';
export type { Storage, StoredSession, StoredPeer } from './client/storage/storage.ts';
// Node-only pieces (FileStorage: node:fs; MtprotoServer: node:net, node:http, ws) are in src/node.ts, which the
// package root resolves to under the `node` and `bun` export conditions (and as `mtproto-wasm/node` everywhere).
// Secret chats (end-to-end): the secret-layer TL codec, the e2e crypto, one chat's protocol state, and the
// manager that runs them over the API.
export { serializeSecret, deserializeSecret, SECRET_LAYER, type SecretObject, type Secret } from './tl/secret.ts';
export {
  encryptSecretMessage, decryptSecretMessage, secretKey, secretKeyFingerprint, checkSecretDhConfig, createDhHalf, secretDhKey,
  secretFileFingerprint, createSecretFileKey, encryptSecretFile, decryptSecretFile, keyVisualization,
} from './crypto/secret/index.ts';
export type { SecretKey, DhParams, DhHalf, SecretFileKey } from './crypto/secret/index.ts';
export { SecretChat, type SecretChatOptions, type SecretChatState } from './client/secret/secret-chat.ts';
export { SecretChats, type SecretChatsOptions, type SecretChatsEvent, type SecretChatsState, type UploadedEncrypted } from './client/secret/manager.ts';
export type { SecretChatEvent, SecretIncoming, SecretOutgoing, SecretFileInfo, SecretMessage } from './client/secret/types.ts';
