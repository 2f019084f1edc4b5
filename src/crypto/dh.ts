// Diffie–Hellman parameter checks from Telegram's security guidelines
// (core.telegram.org/mtproto/security_guidelines; tdlib DhHandshake.cpp), shared by the auth-key
// exchange (both sides) and, later, secret chats. Each failure is a SecurityError naming the check.
import { SecurityError } from '../errors.ts';
import { bigintFromBytes } from './bytes.ts';
import { isProbablePrime } from './primes.ts';

/** Telegram's standard 2048-bit safe prime (the server sends it with g = 3). */
export const TELEGRAM_DH_PRIME = bigintFromBytes(
  Uint8Array.from(
    'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b'.match(/../g)!,
    (h) => parseInt(h, 16),
  ),
);

/** Safe primes already proven in this process (Miller–Rabin on 2048 bits costs tens of ms). */
const knownSafePrimes = new Set<bigint>([TELEGRAM_DH_PRIME]);

/** 2^2047 < p < 2^2048, p prime and (p−1)/2 prime. */
export function checkDhPrime(p: bigint): void {
  if (knownSafePrimes.has(p)) return;
  if (p <= 1n << 2047n || p >= 1n << 2048n) throw new SecurityError('dh_prime', 'not a 2048-bit number');
  if (!isProbablePrime(p, 30) || !isProbablePrime((p - 1n) >> 1n, 30)) throw new SecurityError('dh_prime', 'not a safe prime');
  knownSafePrimes.add(p);
}

/** g ∈ 2..7 and p such that g generates the subgroup of order (p−1)/2 (quadratic residue conditions). */
export function checkDhGenerator(g: number, p: bigint): void {
  const ok =
    g === 2 ? p % 8n === 7n
    : g === 3 ? p % 3n === 2n
    : g === 4 ? true
    : g === 5 ? p % 5n === 1n || p % 5n === 4n
    : g === 6 ? p % 24n === 19n || p % 24n === 23n
    : g === 7 ? p % 7n === 3n || p % 7n === 5n || p % 7n === 6n
    : false;
  if (!ok) throw new SecurityError('dh_g', `g = ${g} is not a valid generator for this prime`);
}

const SAFETY_MARGIN = 1n << (2048n - 64n);

/** 1 < x < p − 1 and 2^(2048−64) < x < p − 2^(2048−64), for g_a and g_b. */
export function checkDhPublicValue(name: 'g_a' | 'g_b', x: bigint, p: bigint): void {
  if (x <= 1n || x >= p - 1n) throw new SecurityError(name, 'not in 1 < x < p − 1');
  if (x <= SAFETY_MARGIN || x >= p - SAFETY_MARGIN) throw new SecurityError(name, 'not in 2^1984 < x < p − 2^1984');
}

/** Every check on the server's DH parameters the client must make. */
export function checkDhParams(g: number, p: bigint, gA: bigint): void {
  checkDhPrime(p);
  checkDhGenerator(g, p);
  if (BigInt(g) <= 1n || BigInt(g) >= p - 1n) throw new SecurityError('dh_g', 'not in 1 < g < p − 1');
  checkDhPublicValue('g_a', gA, p);
}
