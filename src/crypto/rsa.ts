// RSA keys as MTProto uses them: PEM loading (PKCS#1 and PKCS#8 private keys; PKCS#1 and
// SubjectPublicKeyInfo public keys), Telegram's key fingerprint, and PEM export of the public half.
import { sha1 } from '../../bindings/sha.ts';
import { SecurityError } from '../errors.ts';
import { bigintToBytes, concatBytes } from './bytes.ts';
import { DER_BIT_STRING, DER_OCTET_STRING, DER_SEQUENCE, derChildren, derInteger, readDer, type DerNode } from './der.ts';

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
  /** Telegram's fingerprint: the low 64 bits of SHA1(TL rsa_public_key n e), as a signed int64 (wire order LE). */
  fingerprint: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
}

const RSA_ENCRYPTION_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

/** TL `bytes` encoding (length prefix + data + zero padding to 4), as the fingerprint hashes it. */
function tlBytes(data: Uint8Array): Uint8Array {
  const header = data.length <= 253 ? Uint8Array.of(data.length) : Uint8Array.of(254, data.length & 0xff, (data.length >> 8) & 0xff, data.length >> 16);
  const padding = new Uint8Array((4 - ((header.length + data.length) % 4)) % 4);
  return concatBytes(header, data, padding);
}

export function rsaFingerprint(n: bigint, e: bigint): bigint {
  const hash = sha1(concatBytes(tlBytes(bigintToBytes(n)), tlBytes(bigintToBytes(e))));
  return new DataView(hash.buffer, hash.byteOffset + 12, 8).getBigInt64(0, true);
}

/** MTProto's RSA is 2048-bit (RSA_PAD needs a 256-byte value below n); anything else is refused. */
function publicKey(n: bigint, e: bigint): RsaPublicKey {
  const bits = n.toString(2).length;
  if (bits !== 2048) throw new SecurityError('rsa_key', `modulus must be 2048 bits, got ${bits}`);
  if ((n & 1n) === 0n) throw new SecurityError('rsa_key', 'modulus is even');
  if (e < 3n || e >= n || (e & 1n) === 0n) throw new SecurityError('rsa_key', `public exponent ${e} is not an odd number in 3..n−1`);
  return { n, e, fingerprint: rsaFingerprint(n, e) };
}

function pemBody(pem: string): { label: string; der: Uint8Array } {
  // indexOf rather than a backtracking regex: hostile input stays linear.
  const begin = pem.indexOf('-----BEGIN ');
  const labelEnd = begin < 0 ? -1 : pem.indexOf('-----', begin + 11);
  if (labelEnd < 0) throw new SecurityError('rsa_key', 'no PEM block found (expected -----BEGIN … KEY-----)');
  const label = pem.slice(begin + 11, labelEnd);
  const endMarker = `-----END ${label}-----`;
  const end = pem.indexOf(endMarker, labelEnd + 5);
  if (end < 0) throw new SecurityError('rsa_key', `no "${endMarker}" after the BEGIN line`);
  const body = pem.slice(labelEnd + 5, end).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new SecurityError('rsa_key', 'PEM body is not base64');
  let binary: string;
  try {
    binary = atob(body);
  } catch {
    throw new SecurityError('rsa_key', 'PEM body is not valid base64');
  }
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < der.length; i++) der[i] = binary.charCodeAt(i);
  return { label, der };
}

function sequence(node: DerNode, what: string): DerNode[] {
  if (node.tag !== DER_SEQUENCE) throw new SecurityError('rsa_key', `${what}: expected SEQUENCE`);
  return derChildren(node.content);
}

function rootSequence(der: Uint8Array, what: string): DerNode[] {
  const { node, next } = readDer(der, 0);
  if (next !== der.length) throw new SecurityError('rsa_key', `${what}: trailing bytes after the key`);
  return sequence(node, what);
}

function checkRsaAlgorithm(node: DerNode, what: string): void {
  const [oid] = sequence(node, what);
  const ok = oid?.tag === 0x06 && oid.content.length === RSA_ENCRYPTION_OID.length && oid.content.every((b, i) => b === RSA_ENCRYPTION_OID[i]);
  if (!ok) throw new SecurityError('rsa_key', `${what}: not an rsaEncryption key`);
}

function pkcs1Public(der: Uint8Array): RsaPublicKey {
  const [n, e] = rootSequence(der, 'RSA PUBLIC KEY');
  if (!n || !e) throw new SecurityError('rsa_key', 'RSA PUBLIC KEY: expected modulus and exponent');
  return publicKey(derInteger(n), derInteger(e));
}

function pkcs1Private(der: Uint8Array): RsaPrivateKey {
  const fields = rootSequence(der, 'RSA PRIVATE KEY');
  if (fields.length < 4) throw new SecurityError('rsa_key', 'RSA PRIVATE KEY: too few fields');
  return { ...publicKey(derInteger(fields[1]), derInteger(fields[2])), d: derInteger(fields[3]) };
}

/** Reads a public key: `RSA PUBLIC KEY` (PKCS#1, as Telegram publishes them) or `PUBLIC KEY` (SPKI). */
export function parsePublicKeyPem(pem: string): RsaPublicKey {
  const { label, der } = pemBody(pem);
  if (label === 'RSA PUBLIC KEY') return pkcs1Public(der);
  if (label === 'PUBLIC KEY') {
    const [algorithm, bits] = rootSequence(der, 'PUBLIC KEY');
    checkRsaAlgorithm(algorithm, 'PUBLIC KEY');
    if (bits?.tag !== DER_BIT_STRING || bits.content[0] !== 0) throw new SecurityError('rsa_key', 'PUBLIC KEY: bad BIT STRING');
    return pkcs1Public(bits.content.subarray(1));
  }
  if (label.includes('PRIVATE')) {
    const { n, e, fingerprint } = parsePrivateKeyPem(pem);
    return { n, e, fingerprint };
  }
  throw new SecurityError('rsa_key', `unsupported PEM block "${label}"`);
}

/** Reads a private key: `RSA PRIVATE KEY` (PKCS#1) or `PRIVATE KEY` (PKCS#8, unencrypted). */
export function parsePrivateKeyPem(pem: string): RsaPrivateKey {
  const { label, der } = pemBody(pem);
  if (label === 'RSA PRIVATE KEY') return pkcs1Private(der);
  if (label === 'PRIVATE KEY') {
    const [, algorithm, octets] = rootSequence(der, 'PRIVATE KEY');
    checkRsaAlgorithm(algorithm, 'PRIVATE KEY');
    if (octets?.tag !== DER_OCTET_STRING) throw new SecurityError('rsa_key', 'PRIVATE KEY: expected OCTET STRING');
    return pkcs1Private(octets.content);
  }
  throw new SecurityError('rsa_key', `unsupported PEM block "${label}" (encrypted keys are not supported)`);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes = bigintToBytes(BigInt(length));
  return concatBytes(Uint8Array.of(0x80 | bytes.length), bytes);
}

function derIntegerBytes(value: bigint): Uint8Array {
  let body: Uint8Array = bigintToBytes(value);
  if (body[0] & 0x80) body = concatBytes(Uint8Array.of(0), body);
  return concatBytes(Uint8Array.of(0x02), derLength(body.length), body);
}

/** The public half as a PKCS#1 `RSA PUBLIC KEY` PEM block, the form Telegram publishes. */
export function publicKeyToPem(key: { n: bigint; e: bigint }): string {
  const body = concatBytes(derIntegerBytes(key.n), derIntegerBytes(key.e));
  const der = concatBytes(Uint8Array.of(DER_SEQUENCE), derLength(body.length), body);
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  const base64 = btoa(binary).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN RSA PUBLIC KEY-----\n${base64}-----END RSA PUBLIC KEY-----\n`;
}
