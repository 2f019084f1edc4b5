// The authorization key exchange, both halves (core.telegram.org/mtproto/auth_key).
export { AuthKeyExchangeClient, createAuthKey, type AuthKey, type AuthKeyExchangeOptions, type ExchangeStep } from './client.ts';
export { AuthKeyServer, type AuthKeyServerHooks, type AuthKeyServerOptions, type CreatedAuthKey } from './server.ts';
export { ExchangeFailedError, type RandomPurpose, type RandomSource } from './shared.ts';
export { isUnencrypted, MsgIdClock, packUnencrypted, unpackUnencrypted } from './unencrypted.ts';
