// The server half of the authorization key exchange (core.telegram.org/mtproto/auth_key): given our
// private RSA key(s), answers req_pq_multi / req_pq, req_DH_params and set_client_DH_params.
//
// - State lives per exchange, keyed by (nonce, server_nonce), not per connection: over HTTP every message
//   arrives on its own request. Pending exchanges expire (default 10 min) and are capped in number.
// - Fresh p, q per exchange (two random 31-bit primes, p < q, so pq < 2^62).
// - req_DH_params: RSA_PAD and the legacy SHA-1 scheme; p_q_inner_data, _dc, _temp, _temp_dc.
// - A colliding auth_key_id (isAuthKeyIdTaken) gets dh_gen_retry; the client retries with a new b.
// - Bad input throws (SecurityError naming the check, or TlError); the caller (src/server/
//   handshake-service.ts) answers it with transport error -404 and closes the connection.
// - `hooks` let tests turn this into a misbehaving server (tamper with any answer before it is sent).
import { aesIgeEncrypt } from '../../../bindings/aes.ts';
import { modPow } from '../../../bindings/bigint.ts';
import { sha1 } from '../../../bindings/sha.ts';
import { bigintFromBytes, bigintToBytes, concatBytes, constantTimeEqual } from '../../crypto/bytes.ts';
import { checkDhGenerator, checkDhPrime, checkDhPublicValue, TELEGRAM_DH_PRIME } from '../../crypto/dh.ts';
import { authKeyAuxHash, authKeyId, initialServerSalt, newNonceHash, tmpAesKeyIv } from '../../crypto/kdf.ts';
import { isProbablePrime } from '../../crypto/primes.ts';
import { rsaDecrypt } from '../../crypto/rsa-pad.ts';
import type { RsaPrivateKey } from '../../crypto/rsa.ts';
import { SecurityError } from '../../errors.ts';
import { serialize } from '../../tl/codec.ts';
import type { RawResPQ, RawServerDHInnerData } from '../../tl/generated/types.ts';
import { decryptWithHash, expectEqual, hex, int64le, parseBody, parsePrefix, secureRandom, type RandomSource, type TlOf } from './shared.ts';
import { MsgIdClock, packUnencrypted, unpackUnencrypted } from './unencrypted.ts';

/** An auth key the server created, as handed to onAuthKey. */
export interface CreatedAuthKey {
  authKey: Uint8Array;
  authKeyId: Uint8Array;
  serverSalt: Uint8Array;
  /** A temporary (PFS) key: p_q_inner_data_temp or _temp_dc. */
  temp: boolean;
  /** Temporary keys: server_time + expires_in, unix seconds by the server's clock. */
  expiresAt?: number;
  /** The dc the client named (absent in p_q_inner_data and _temp). */
  dcId?: number;
  /** Which p_q_inner_data constructor and which RSA scheme the client used. */
  innerData: PqInnerDataName;
  rsaScheme: 'rsa_pad' | 'legacy';
}

/** Tampering points for tests of clients against a misbehaving server; each gets the answer about to be sent. */
export interface AuthKeyServerHooks {
  resPQ?(answer: RawResPQ): RawResPQ;
  serverDhInnerData?(inner: RawServerDHInnerData): RawServerDHInnerData;
  /** SHA1(answer) + answer + padding, before AES-IGE. */
  answerWithHash?(bytes: Uint8Array): Uint8Array;
  serverDhParams?(answer: TlOf<'server_DH_params_ok'>): ServerDhParams;
  dhGenAnswer?(answer: DhGenAnswer): DhGenAnswer;
}

export interface AuthKeyServerOptions {
  privateKey: RsaPrivateKey | readonly RsaPrivateKey[];
  /** Default: Telegram's 2048-bit safe prime with g = 3. */
  dhPrime?: bigint;
  g?: number;
  onAuthKey?(key: CreatedAuthKey): void;
  /** Says whether an auth_key_id is already in use; if so the client is asked to retry (dh_gen_retry). */
  isAuthKeyIdTaken?(authKeyId: Uint8Array): boolean;
  /** How long an unfinished exchange is remembered (default 10 min) and how many at most (default 100 000). */
  pendingTtlMs?: number;
  maxPending?: number;
  random?: RandomSource;
  now?: () => number;
  hooks?: AuthKeyServerHooks;
}

type ServerDhParams = TlOf<'server_DH_params_ok'> | TlOf<'server_DH_params_fail'>;
type DhGenAnswer = TlOf<'dh_gen_ok'> | TlOf<'dh_gen_retry'> | TlOf<'dh_gen_fail'>;
const PQ_INNER_DATA = ['p_q_inner_data', 'p_q_inner_data_dc', 'p_q_inner_data_temp', 'p_q_inner_data_temp_dc'] as const;
type PqInnerDataName = (typeof PQ_INNER_DATA)[number];
const MAX_DH_GEN_RETRIES = 5;

interface Pending {
  nonce: Uint8Array;
  serverNonce: Uint8Array;
  pq: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  createdAt: number;
  stage: 'req_DH_params' | 'set_client_DH_params';
  newNonce?: Uint8Array;
  a?: bigint;
  tmpKey?: Uint8Array;
  tmpIv?: Uint8Array;
  serverTime?: number;
  inner?: TlOf<PqInnerDataName>;
  rsaScheme?: 'rsa_pad' | 'legacy';
  retryId: bigint;
  retries: number;
}

export class AuthKeyServer {
  private readonly keys: readonly RsaPrivateKey[];
  private readonly dhPrime: bigint;
  private readonly dhPrimeBytes: Uint8Array;
  private readonly g: number;
  private readonly random: RandomSource;
  private readonly now: () => number;
  private readonly clock: MsgIdClock;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly options: AuthKeyServerOptions) {
    this.keys = Array.isArray(options.privateKey) ? options.privateKey : [options.privateKey as RsaPrivateKey];
    if (this.keys.length === 0) throw new RangeError('privateKey: at least one RSA key is needed');
    this.dhPrime = options.dhPrime ?? TELEGRAM_DH_PRIME;
    this.g = options.g ?? 3;
    checkDhPrime(this.dhPrime);
    checkDhGenerator(this.g, this.dhPrime);
    this.dhPrimeBytes = bigintToBytes(this.dhPrime, 256);
    this.random = options.random ?? secureRandom;
    this.now = options.now ?? Date.now;
    this.clock = new MsgIdClock(1, this.now);
  }

  /** The fingerprints offered in resPQ. */
  get fingerprints(): bigint[] {
    return this.keys.map((k) => k.fingerprint);
  }

  /** Number of unfinished exchanges remembered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** One unencrypted message in (auth_key_id = 0; msg_id 0 and trailing padding tolerated), its answer out. */
  handle(payload: Uint8Array): Uint8Array {
    const { body } = unpackUnencrypted(payload);
    return packUnencrypted(this.handleBody(body), this.clock.next());
  }

  /** The TL body of a request in, the TL body of the answer out. */
  handleBody(body: Uint8Array): Uint8Array {
    this.expire();
    const request = parseBody(body, ['req_pq_multi', 'req_pq', 'req_DH_params', 'set_client_DH_params'], 'request');
    switch (request._) {
      case 'req_pq_multi':
      case 'req_pq':
        return serialize(this.resPQ(request.nonce));
      case 'req_DH_params':
        return serialize(this.serverDhParams(request));
      default:
        return serialize(this.dhGen(request));
    }
  }

  private resPQ(nonce: Uint8Array): RawResPQ {
    if (this.pending.size >= (this.options.maxPending ?? 100_000)) this.pending.delete(this.pending.keys().next().value!);
    const [p, q] = this.randomPQ();
    const state: Pending = {
      nonce,
      serverNonce: this.random(16, 'server_nonce').slice(),
      pq: bigintToBytes(p * q),
      p: bigintToBytes(p),
      q: bigintToBytes(q),
      createdAt: this.now(),
      stage: 'req_DH_params',
      retryId: 0n,
      retries: 0,
    };
    this.pending.set(stateKey(nonce, state.serverNonce), state);
    const answer: RawResPQ = { _: 'resPQ', nonce, serverNonce: state.serverNonce, pq: state.pq, serverPublicKeyFingerprints: this.fingerprints };
    return this.options.hooks?.resPQ?.(answer) ?? answer;
  }

  private serverDhParams(request: TlOf<'req_DH_params'>): ServerDhParams {
    const state = this.lookup(request, 'req_DH_params');
    if (!constantTimeEqual(request.p, state.p) || !constantTimeEqual(request.q, state.q)) throw new SecurityError('pq', 'p and q are not the factors of the pq we sent');
    const key = this.keys.find((k) => BigInt.asIntN(64, k.fingerprint) === BigInt.asIntN(64, request.publicKeyFingerprint));
    if (!key) throw new SecurityError('fingerprint', `no key with fingerprint ${request.publicKeyFingerprint}`);

    const decrypted = rsaDecrypt(request.encryptedData, key);
    let inner: TlOf<PqInnerDataName>;
    if (decrypted.scheme === 'rsa_pad') {
      inner = parsePrefix(decrypted.dataWithPadding, PQ_INNER_DATA, 'encrypted_data').value;
    } else {
      const parsed = parsePrefix(decrypted.withHash.subarray(20), PQ_INNER_DATA, 'encrypted_data');
      expectEqual('encrypted_data', sha1(parsed.raw), decrypted.withHash.subarray(0, 20), 'SHA-1 of the legacy p_q_inner_data');
      inner = parsed.value;
    }
    expectEqual('nonce', inner.nonce, state.nonce, `${inner._}.nonce`);
    expectEqual('server_nonce', inner.serverNonce, state.serverNonce, `${inner._}.server_nonce`);
    if (!constantTimeEqual(inner.pq, state.pq) || !constantTimeEqual(inner.p, state.p) || !constantTimeEqual(inner.q, state.q)) {
      throw new SecurityError('pq', `${inner._}: pq, p, q differ from the exchange's`);
    }
    if ('expiresIn' in inner && !(inner.expiresIn > 0)) throw new SecurityError('expires_in', `${inner._}.expires_in = ${inner.expiresIn}`);

    let a: bigint, gA: bigint;
    do {
      a = bigintFromBytes(this.random(256, 'a'));
      gA = modPow(BigInt(this.g), a, this.dhPrime);
    } while (!inRange(gA, this.dhPrime));
    const { key: tmpKey, iv: tmpIv } = tmpAesKeyIv(inner.newNonce, state.serverNonce);
    Object.assign(state, { stage: 'set_client_DH_params', newNonce: inner.newNonce, a, tmpKey, tmpIv, inner, rsaScheme: decrypted.scheme, serverTime: Math.floor(this.now() / 1000) });

    const hooks = this.options.hooks;
    let innerData: RawServerDHInnerData = {
      _: 'server_DH_inner_data', nonce: state.nonce, serverNonce: state.serverNonce, g: this.g, dhPrime: this.dhPrimeBytes, gA: bigintToBytes(gA, 256), serverTime: state.serverTime!,
    };
    innerData = hooks?.serverDhInnerData?.(innerData) ?? innerData;
    const answer = serialize(innerData);
    let answerWithHash: Uint8Array = concatBytes(sha1(answer), answer, this.random((16 - ((20 + answer.length) % 16)) % 16, 'padding'));
    answerWithHash = hooks?.answerWithHash?.(answerWithHash) ?? answerWithHash;
    const ok: TlOf<'server_DH_params_ok'> = { _: 'server_DH_params_ok', nonce: state.nonce, serverNonce: state.serverNonce, encryptedAnswer: aesIgeEncrypt(answerWithHash, tmpKey, tmpIv) };
    return hooks?.serverDhParams ? hooks.serverDhParams(ok) : ok;
  }

  private dhGen(request: TlOf<'set_client_DH_params'>): DhGenAnswer {
    const state = this.lookup(request, 'set_client_DH_params');
    const inner = decryptWithHash(request.encryptedData, state.tmpKey!, state.tmpIv!, ['client_DH_inner_data'], 'encrypted_data', 'encrypted_data');
    expectEqual('nonce', inner.nonce, state.nonce, 'client_DH_inner_data.nonce');
    expectEqual('server_nonce', inner.serverNonce, state.serverNonce, 'client_DH_inner_data.server_nonce');
    if (BigInt.asIntN(64, inner.retryId) !== state.retryId) throw new SecurityError('retry_id', `expected ${state.retryId}, got ${inner.retryId}`);
    const gB = bigintFromBytes(inner.gB);
    checkDhPublicValue('g_b', gB, this.dhPrime);

    const authKey = bigintToBytes(modPow(gB, state.a!, this.dhPrime), 256);
    const id = authKeyId(authKey);
    const base = { nonce: state.nonce, serverNonce: state.serverNonce };
    let answer: DhGenAnswer;
    if (this.options.isAuthKeyIdTaken?.(id)) {
      if (++state.retries > MAX_DH_GEN_RETRIES) {
        this.pending.delete(stateKey(state.nonce, state.serverNonce));
        answer = { _: 'dh_gen_fail', ...base, newNonceHash3: newNonceHash(state.newNonce!, 3, authKey) };
      } else {
        state.retryId = int64le(authKeyAuxHash(authKey));
        answer = { _: 'dh_gen_retry', ...base, newNonceHash2: newNonceHash(state.newNonce!, 2, authKey) };
      }
    } else {
      this.pending.delete(stateKey(state.nonce, state.serverNonce));
      const inner = state.inner!;
      const temp = inner._ === 'p_q_inner_data_temp' || inner._ === 'p_q_inner_data_temp_dc';
      this.options.onAuthKey?.({
        authKey,
        authKeyId: id,
        serverSalt: initialServerSalt(state.newNonce!, state.serverNonce),
        temp,
        ...('expiresIn' in inner ? { expiresAt: state.serverTime! + inner.expiresIn } : {}),
        ...('dc' in inner ? { dcId: inner.dc } : {}),
        innerData: inner._,
        rsaScheme: state.rsaScheme!,
      });
      answer = { _: 'dh_gen_ok', ...base, newNonceHash1: newNonceHash(state.newNonce!, 1, authKey) };
    }
    const tamper = this.options.hooks?.dhGenAnswer;
    return tamper ? tamper(answer) : answer;
  }

  private lookup(request: { nonce: Uint8Array; serverNonce: Uint8Array }, step: Pending['stage']): Pending {
    const state = this.pending.get(stateKey(request.nonce, request.serverNonce));
    if (!state) throw new SecurityError('server_nonce', `${step}: no exchange with this nonce and server_nonce (unknown or expired)`);
    if (state.stage !== step) throw new SecurityError('state', `${step} while the exchange expects ${state.stage}`);
    return state;
  }

  /** Drops exchanges older than the TTL (the map is in creation order). */
  private expire(): void {
    const limit = this.now() - (this.options.pendingTtlMs ?? 600_000);
    for (const [key, state] of this.pending) {
      if (state.createdAt >= limit) break;
      this.pending.delete(key);
    }
  }

  /** Two distinct random primes in [2^30, 2^31), smaller first. */
  private randomPQ(): [bigint, bigint] {
    const prime = (): bigint => {
      for (;;) {
        const r = this.random(4, 'pq');
        const candidate = BigInt((((r[0] << 24) | (r[1] << 16) | (r[2] << 8) | r[3]) >>> 1) | 0x40000001);
        if (isProbablePrime(candidate, 12)) return candidate;
      }
    };
    const p = prime();
    let q = prime();
    while (q === p) q = prime();
    return p < q ? [p, q] : [q, p];
  }
}

const MARGIN = 1n << 1984n;
const inRange = (x: bigint, p: bigint) => x > MARGIN && x < p - MARGIN;
const stateKey = (nonce: Uint8Array, serverNonce: Uint8Array) => hex(nonce) + hex(serverNonce);
