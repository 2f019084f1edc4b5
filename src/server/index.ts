// mtproto-wasm/server: the MTProto server's pieces (Node: node:net, node:http, ws).
export { TransportListener, type ListenerOptions, type ServerConnection } from './listener.ts';
export { handshakeService, attachHandshakeService, type HandshakeServiceOptions } from './handshake-service.ts';
export { loadOrCreateServerKey, generateServerKey, fingerprintHex, type ServerKey } from './server-key.ts';
export { SecretRelay, type SecretRelayOptions, type EncryptedChatRecord, type EncryptedFileBackend } from './cloud/secret.ts';
