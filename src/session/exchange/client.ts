// The client half of the authorization key exchange (core.telegram.org/mtproto/auth_key), with every
// check from the security guidelines (core.telegram.org/mtproto/security_guidelines). Each failed check
// is a SecurityError naming it: 'nonce', 'server_nonce', 'pq', 'fingerprint', 'answer', 'answer_hash',
// 'dh_prime', 'dh_g', 'g_a', 'g_b', 'new_nonce_hash', 'response' (an unexpected or malformed answer),
// 'message' (not an unencrypted message).
//
// AuthKeyExchangeClient is the exchange as pure steps (body in → body out), so it can be driven with the
// official sample's messages and injected randomness; createAuthKey runs it over a FrameTransport.
import { factorizePQ, modPow } from '../../../bindings/bigint.ts';
import { sha1 } from '../../../bindings/sha.ts';
import { bigintFromBytes, bigintToBytes } from '../../crypto/bytes.ts';
import { checkDhParams, checkDhPublicValue } from '../../crypto/dh.ts';
import { authKeyAuxHash, authKeyId, initialServerSalt, newNonceHash, tmpAesKeyIv } from '../../crypto/kdf.ts';
import { rsaPadEncrypt } from '../../crypto/rsa-pad.ts';
import type { RsaPublicKey } from '../../crypto/rsa.ts';
import { SecurityError, TransportError } from '../../errors.ts';
import { serialize } from '../../tl/codec.ts';
import type { TlSerializable } from '../../tl/codec.ts';
import type { FrameTransport } from '../../transport/frame-transport.ts';
import { decryptWithHash, encryptWithHash, ExchangeFailedError, expectEqual, int64le, parseBody, secureRandom, type RandomSource } from './shared.ts';
import { MsgIdClock, packUnencrypted, unpackUnencrypted } from './unencrypted.ts';

export interface AuthKeyExchangeOptions {
  /** The server keys we trust (pinned); the one whose fingerprint the server offers is used. */
  publicKeys: readonly RsaPublicKey[];
  /** The dc written into p_q_inner_data_dc: the DC id, +10000 for test DCs, negative for media DCs. */
  dcId: number;
  /** Creates a temporary key (p_q_inner_data_temp_dc) valid for this many seconds (PFS). */
  expiresIn?: number;
  /** How long to wait for each answer of the server (default 15 s). */
  timeoutMs?: number;
  /** How many dh_gen_retry answers to follow (default 5). */
  maxRetries?: number;
  /** How many times to start over after dh_gen_fail or server_DH_params_fail (default 2). */
  maxRestarts?: number;
  /** Random bytes by purpose; a CSPRNG unless a test injects known values. */
  random?: RandomSource;
  /** Local clock in ms (default Date.now). */
  now?: () => number;
}

export interface AuthKey {
  /** The 2048-bit key, 256 bytes big-endian. */
  authKey: Uint8Array;
  /** The low 64 bits of SHA1(auth_key), as sent on the wire. */
  authKeyId: Uint8Array;
  /** The first server salt, 8 wire bytes (new_nonce[0:8] XOR server_nonce[0:8]). */
  serverSalt: Uint8Array;
  /** server_time − local time, in seconds, when the server sent server_DH_inner_data. */
  timeOffset: number;
  /** Temporary keys: when the key expires, unix seconds by the local clock. */
  expiresAt?: number;
  /** The dc value sent in p_q_inner_data_*. */
  dcId: number;
}

export type ExchangeStep = { kind: 'send'; body: Uint8Array } | { kind: 'done'; key: AuthKey };

type Stage = 'start' | 'res_pq' | 'server_dh_params' | 'dh_gen' | 'done';

export class AuthKeyExchangeClient {
  /** The serialized p_q_inner_data_* sent under RSA (for tests: the RSA ciphertext cannot be compared). */
  pqInnerData?: Uint8Array;
  private stage: Stage = 'start';
  private readonly random: RandomSource;
  private readonly now: () => number;
  private nonce: Uint8Array = new Uint8Array(16);
  private serverNonce: Uint8Array = new Uint8Array(16);
  private newNonce: Uint8Array = new Uint8Array(32);
  private tmpKey: Uint8Array = new Uint8Array(32);
  private tmpIv: Uint8Array = new Uint8Array(32);
  private g = 0;
  private dhPrime = 0n;
  private gA = 0n;
  private authKey: Uint8Array = new Uint8Array(256);
  private retryId = 0n;
  private retries = 0;
  private timeOffset = 0;
  private expiresAt?: number;

  constructor(private readonly options: AuthKeyExchangeOptions) {
    this.random = options.random ?? secureRandom;
    this.now = options.now ?? Date.now;
    if (options.publicKeys.length === 0) throw new RangeError('publicKeys must name at least one trusted server key');
    if (!Number.isInteger(options.dcId)) throw new RangeError(`dcId must be an integer, got ${options.dcId}`);
    if (options.expiresIn !== undefined && !(Number.isInteger(options.expiresIn) && options.expiresIn > 0)) {
      throw new RangeError(`expiresIn must be a positive integer (seconds), got ${options.expiresIn}`);
    }
  }

  /** Step 1: req_pq_multi. */
  begin(): Uint8Array {
    if (this.stage !== 'start') throw new Error('begin() called twice');
    this.nonce = this.random(16, 'nonce').slice();
    this.stage = 'res_pq';
    return serialize({ _: 'req_pq_multi', nonce: this.nonce });
  }

  /** Feeds the body of the server's answer to the last message; returns the next message or the key. */
  receive(body: Uint8Array): ExchangeStep {
    switch (this.stage) {
      case 'res_pq':
        return this.onResPQ(body);
      case 'server_dh_params':
        return this.onServerDhParams(body);
      case 'dh_gen':
        return this.onDhGenAnswer(body);
      default:
        throw new Error(`receive() in stage ${this.stage}`);
    }
  }

  private onResPQ(body: Uint8Array): ExchangeStep {
    const res = parseBody(body, ['resPQ'], 'response');
    expectEqual('nonce', res.nonce, this.nonce, 'resPQ.nonce');
    this.serverNonce = res.serverNonce;

    if (res.pq.length < 1 || res.pq.length > 8) throw new SecurityError('pq', `pq of ${res.pq.length} bytes (expected at most 8)`);
    const pq = bigintFromBytes(res.pq);
    let p: bigint, q: bigint;
    try {
      [p, q] = factorizePQ(pq);
    } catch (error) {
      throw new SecurityError('pq', (error as Error).message);
    }

    const offered = new Set(res.serverPublicKeyFingerprints.map((f) => BigInt.asIntN(64, f)));
    const key = this.options.publicKeys.find((k) => offered.has(BigInt.asIntN(64, k.fingerprint)));
    if (!key) throw new SecurityError('fingerprint', `none of the ${offered.size} key fingerprints offered by the server is a trusted key`);

    this.newNonce = this.random(32, 'new_nonce').slice();
    const common = { pq: res.pq, p: bigintToBytes(p), q: bigintToBytes(q), nonce: this.nonce, serverNonce: this.serverNonce, newNonce: this.newNonce, dc: this.options.dcId };
    const inner: TlSerializable = this.options.expiresIn === undefined
      ? { _: 'p_q_inner_data_dc', ...common }
      : { _: 'p_q_inner_data_temp_dc', ...common, expiresIn: this.options.expiresIn };
    if (this.options.expiresIn !== undefined) this.expiresAt = Math.floor(this.now() / 1000) + this.options.expiresIn;
    this.pqInnerData = serialize(inner);
    const encryptedData = rsaPadEncrypt(this.pqInnerData, key, (n) => this.random(n, 'rsa_pad'));
    ({ key: this.tmpKey, iv: this.tmpIv } = tmpAesKeyIv(this.newNonce, this.serverNonce));
    this.stage = 'server_dh_params';
    return {
      kind: 'send',
      body: serialize({ _: 'req_DH_params', nonce: this.nonce, serverNonce: this.serverNonce, p: common.p, q: common.q, publicKeyFingerprint: key.fingerprint, encryptedData }),
    };
  }

  private onServerDhParams(body: Uint8Array): ExchangeStep {
    const res = parseBody(body, ['server_DH_params_ok', 'server_DH_params_fail'], 'response');
    this.checkNonces(res, res._);
    if (res._ === 'server_DH_params_fail') {
      expectEqual('new_nonce_hash', res.newNonceHash, sha1(this.newNonce).subarray(4, 20), 'server_DH_params_fail.new_nonce_hash');
      throw new ExchangeFailedError('the server answered server_DH_params_fail');
    }
    const inner = decryptWithHash(res.encryptedAnswer, this.tmpKey, this.tmpIv, ['server_DH_inner_data'], 'answer');
    this.checkNonces(inner, 'server_DH_inner_data');
    const dhPrime = bigintFromBytes(inner.dhPrime);
    const gA = bigintFromBytes(inner.gA);
    checkDhParams(inner.g, dhPrime, gA);
    this.g = inner.g;
    this.dhPrime = dhPrime;
    this.gA = gA;
    this.timeOffset = inner.serverTime - Math.floor(this.now() / 1000);
    return this.clientDhParams();
  }

  /** Step 7 (and again after dh_gen_retry): a fresh b, g_b, auth_key, set_client_DH_params. */
  private clientDhParams(): ExchangeStep {
    const b = bigintFromBytes(this.random(256, 'b'));
    const gB = modPow(BigInt(this.g), b, this.dhPrime);
    checkDhPublicValue('g_b', gB, this.dhPrime);
    this.authKey = bigintToBytes(modPow(this.gA, b, this.dhPrime), 256);
    const data = serialize({ _: 'client_DH_inner_data', nonce: this.nonce, serverNonce: this.serverNonce, retryId: this.retryId, gB: bigintToBytes(gB, 256) });
    const encryptedData = encryptWithHash(data, this.tmpKey, this.tmpIv, this.random);
    this.stage = 'dh_gen';
    return { kind: 'send', body: serialize({ _: 'set_client_DH_params', nonce: this.nonce, serverNonce: this.serverNonce, encryptedData }) };
  }

  private onDhGenAnswer(body: Uint8Array): ExchangeStep {
    const res = parseBody(body, ['dh_gen_ok', 'dh_gen_retry', 'dh_gen_fail'], 'response');
    this.checkNonces(res, res._);
    if (res._ === 'dh_gen_ok') {
      expectEqual('new_nonce_hash', res.newNonceHash1, newNonceHash(this.newNonce, 1, this.authKey), 'dh_gen_ok.new_nonce_hash1');
      this.stage = 'done';
      return {
        kind: 'done',
        key: {
          authKey: this.authKey,
          authKeyId: authKeyId(this.authKey),
          serverSalt: initialServerSalt(this.newNonce, this.serverNonce),
          timeOffset: this.timeOffset,
          ...(this.expiresAt === undefined ? {} : { expiresAt: this.expiresAt }),
          dcId: this.options.dcId,
        },
      };
    }
    if (res._ === 'dh_gen_retry') {
      expectEqual('new_nonce_hash', res.newNonceHash2, newNonceHash(this.newNonce, 2, this.authKey), 'dh_gen_retry.new_nonce_hash2');
      if (++this.retries > (this.options.maxRetries ?? 5)) throw new ExchangeFailedError(`the server answered dh_gen_retry ${this.retries} times`);
      this.retryId = int64le(authKeyAuxHash(this.authKey));
      return this.clientDhParams();
    }
    expectEqual('new_nonce_hash', res.newNonceHash3, newNonceHash(this.newNonce, 3, this.authKey), 'dh_gen_fail.new_nonce_hash3');
    throw new ExchangeFailedError('the server answered dh_gen_fail');
  }

  private checkNonces(message: { nonce: Uint8Array; serverNonce: Uint8Array }, name: string): void {
    expectEqual('nonce', message.nonce, this.nonce, `${name}.nonce`);
    expectEqual('server_nonce', message.serverNonce, this.serverNonce, `${name}.server_nonce`);
  }
}

/**
 * Creates an authorization key over `transport` (which must be fresh: no other traffic on it). On any
 * failure the transport is closed and the promise rejects: SecurityError (a failed check),
 * TransportError (a transport error code such as -404 — `.code` —, a closed connection, a timeout),
 * ExchangeFailedError (the server refused, after maxRestarts attempts).
 */
export async function createAuthKey(transport: FrameTransport, options: AuthKeyExchangeOptions): Promise<AuthKey> {
  const inbox = new Inbox(transport);
  const clock = new MsgIdClock(0, options.now);
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    for (let attempt = 0; ; attempt++) {
      const exchange = new AuthKeyExchangeClient(options);
      try {
        let body = exchange.begin();
        for (;;) {
          transport.send(packUnencrypted(body, clock.next()));
          const step = exchange.receive(unpackUnencrypted(await inbox.next(timeoutMs)).body);
          if (step.kind === 'done') return step.key;
          body = step.body;
        }
      } catch (error) {
        if (!(error instanceof ExchangeFailedError) || attempt >= (options.maxRestarts ?? 2)) throw error;
      }
    }
  } catch (error) {
    transport.close();
    throw error;
  } finally {
    inbox.detach();
  }
}

/** Payloads from the transport, awaited one at a time, with a timeout. */
class Inbox {
  private readonly queue: Uint8Array[] = [];
  private closed?: Error;
  private waiter?: { resolve: (p: Uint8Array) => void; reject: (e: Error) => void };

  constructor(private readonly transport: FrameTransport) {
    transport.onFrame = (frame) => {
      if (frame.type !== 'packet') return; // quick acks mean nothing here
      if (this.waiter) this.settle().resolve(frame.payload);
      else this.queue.push(frame.payload);
    };
    transport.onClose = (error) => {
      this.closed = error ?? new TransportError(`${transport.description}: connection closed during the auth key exchange`);
      this.waiter && this.settle().reject(this.closed);
    };
  }

  next(timeoutMs: number): Promise<Uint8Array> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new TransportError(`${this.transport.description}: no answer within ${timeoutMs} ms during the auth key exchange`));
      }, timeoutMs);
      this.waiter = {
        resolve: (p) => (clearTimeout(timer), resolve(p)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  detach(): void {
    this.transport.onFrame = undefined;
    this.transport.onClose = undefined;
  }

  private settle() {
    const waiter = this.waiter!;
    this.waiter = undefined;
    return waiter;
  }
}
