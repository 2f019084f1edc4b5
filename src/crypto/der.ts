// A minimal DER reader: just enough ASN.1 to read RSA keys (PKCS#1, PKCS#8, SubjectPublicKeyInfo).
import { SecurityError } from '../errors.ts';

export interface DerNode {
  tag: number;
  /** The content bytes (a view of the input). */
  content: Uint8Array;
}

const fail = (message: string): never => {
  throw new SecurityError('rsa_key', `malformed DER: ${message}`);
};

/** Reads the TLV at `offset`; returns it and the offset just past it. */
export function readDer(data: Uint8Array, offset: number): { node: DerNode; next: number } {
  if (offset + 2 > data.length) fail(`truncated header at byte ${offset}`);
  const tag = data[offset];
  let length = data[offset + 1];
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) fail(`unsupported length form at byte ${offset + 1}`);
    if (at + count > data.length) fail(`truncated length at byte ${at}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[at++];
  }
  if (at + length > data.length) fail(`element at byte ${offset} claims ${length} bytes, ${data.length - at} left`);
  return { node: { tag, content: data.subarray(at, at + length) }, next: at + length };
}

/** The children of a constructed element (SEQUENCE, or a BIT STRING/OCTET STRING wrapping DER). */
export function derChildren(content: Uint8Array): DerNode[] {
  const nodes: DerNode[] = [];
  for (let at = 0; at < content.length; ) {
    const { node, next } = readDer(content, at);
    nodes.push(node);
    at = next;
  }
  return nodes;
}

export function derInteger(node: DerNode): bigint {
  if (node.tag !== 0x02) fail(`expected INTEGER, got tag 0x${node.tag.toString(16)}`);
  if (node.content.length === 0) fail('empty INTEGER');
  if (node.content[0] & 0x80) fail('negative INTEGER');
  let value = 0n;
  for (const byte of node.content) value = (value << 8n) | BigInt(byte);
  return value;
}

export const DER_SEQUENCE = 0x30;
export const DER_BIT_STRING = 0x03;
export const DER_OCTET_STRING = 0x04;
