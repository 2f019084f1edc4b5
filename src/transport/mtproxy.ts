// MTProxy secrets: 16 bytes (hex), optionally prefixed by `dd` to require padded intermediate.
// Fake-TLS (`ee`) secrets are recognised and refused with a clear error.
import { TransportError } from '../errors.ts';

export interface MtproxySecret {
  secret: Uint8Array;
  /** `dd` secrets: the connection must use padded intermediate (random-length frames). */
  paddedOnly: boolean;
}

export function parseMtproxySecret(text: string): MtproxySecret {
  const hex = text.trim().toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2) throw new TransportError(`MTProxy secret must be hex, got "${text}"`);
  if (hex.startsWith('ee')) throw new TransportError('fake-TLS (ee…) MTProxy secrets are not supported');
  const paddedOnly = hex.length === 34 && hex.startsWith('dd');
  const body = paddedOnly ? hex.slice(2) : hex;
  if (body.length !== 32) throw new TransportError(`MTProxy secret must be 16 bytes (32 hex digits, optionally after "dd"), got ${hex.length / 2} bytes`);
  const secret = Uint8Array.from(body.match(/../g)!, (h) => parseInt(h, 16));
  return { secret, paddedOnly };
}

export function formatMtproxySecret(secret: MtproxySecret): string {
  return (secret.paddedOnly ? 'dd' : '') + Array.from(secret.secret, (b) => b.toString(16).padStart(2, '0')).join('');
}
