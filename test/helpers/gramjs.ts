// GramJS 2.26 as a peer: the one defect of its key exchange that any server triggers, recognized
// exactly, and a way to force it deterministically.
//
// The defect: GramJS turns g^ab mod dh_prime into its auth key with Helpers.getByteArray, which writes
// the number in as few bytes as it needs. The protocol's auth key is always 256 bytes (big-endian,
// leading zeros kept), and so is ours (and Telegram's). When g^ab < 2^2040 — 1 exchange in 256 — GramJS
// holds a 255-byte key, its auth_key_aux_hash differs, and it rejects our (correct) dh_gen_ok with
// "Step 3 invalid new nonce hash". Against Telegram the same happens; GramJS's default connectionRetries
// (Infinity) hides it by starting a new exchange. No server can avoid it: the key depends on the
// client's b, and dh_gen_retry does not help (GramJS checks new_nonce_hash2 with the same wrong key).
import { createRequire } from 'node:module';
import type { CreatedAuthKey } from '../../src/session/exchange/server.ts';
import { toHex } from './vectors.ts';

const require = createRequire(import.meta.url);
const Helpers = require('telegram/Helpers');
const bigInt = require('big-integer');

/** GramJS's error when its key differs from the server's (Authenticator.js, dh_gen_ok check). */
export const GRAMJS_NONCE_HASH_ERROR = 'Step 3 invalid new nonce hash';

/** The key GramJS derives from the same g^ab (its getByteArray: no leading zero bytes). */
export function gramjsAuthKeyBytes(authKey: Uint8Array): Uint8Array {
  return new Uint8Array(Helpers.getByteArray(bigInt(toHex(authKey), 16)));
}

/**
 * Whether a failed GramJS attempt is exactly the leading-zero defect: GramJS's error is the nonce-hash
 * mismatch, and the key our server created for that exchange is one GramJS shortens.
 */
export function isLeadingZeroKeyFailure(error: Error, serverKey: CreatedAuthKey | undefined): boolean {
  return error.message === GRAMJS_NONCE_HASH_ERROR && serverKey !== undefined && serverKey.authKey.length === 256 &&
    gramjsAuthKeyBytes(serverKey.authKey).length < 256;
}

const forcedB: Uint8Array[] = [];
const originalRandomBytes = Helpers.generateRandomBytes;

/**
 * The next GramJS key exchange uses `b` as its secret DH exponent. Authenticator.js asks
 * Helpers.generateRandomBytes(256) for b (the only 256-byte request GramJS makes) through the module
 * object, so replacing the export reaches it.
 */
export function forceNextGramjsDhExponent(b: Uint8Array): void {
  forcedB.push(b);
  Helpers.generateRandomBytes = (count: number) =>
    count === 256 && forcedB.length > 0 ? Buffer.from(forcedB.shift()!) : originalRandomBytes(count);
}

export function restoreGramjsRandom(): void {
  forcedB.length = 0;
  Helpers.generateRandomBytes = originalRandomBytes;
}

/** GramJS takes the port from its session only for WSS: a connection class that forces ours on 127.0.0.1. */
export function forcedConnection(Base: new (options: object) => object, port: number): new (options: object) => object {
  return class extends Base {
    constructor(options: object) {
      super({ ...options, ip: '127.0.0.1', port });
    }
  };
}

/**
 * A GramJS TelegramClient for our loopback server (DC 2): quiet, no auto-reconnect, `attempts` connect
 * attempts (each a fresh key exchange, so the leading-zero defect above can be survived).
 */
export function gramjsClient(attempts: number, options: object): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { TelegramClient } = require('telegram');
  const { StringSession } = require('telegram/sessions');
  const { Logger, LogLevel } = require('telegram/extensions/Logger');
  const client = new TelegramClient(new StringSession(''), 12345, '0123456789abcdef0123456789abcdef', {
    connectionRetries: attempts,
    retryDelay: 0,
    autoReconnect: false,
    timeout: 5,
    baseLogger: new Logger(LogLevel.NONE),
    deviceModel: 'mtproto-wasm test',
    systemVersion: 'loopback',
    appVersion: '9.9',
    ...options,
  });
  // The session stores the port as int16 (a high loopback port overflows it); the connection class forces ours.
  client.session.setDC(2, '127.0.0.1', 443);
  return client;
}
