// TL sample objects shared by the TL bench suite and the TL tests, in our plain-object form, plus
// converters to the peers' forms (mtcute: long.js Longs; GramJS: Api class instances, big-integer).
import { createRequire } from 'node:module';
import type { TlSerializable } from '../src/tl/codec.ts';

const require = createRequire(import.meta.url);
const Long = require('long') as { fromString(s: string): unknown };
const bigInt = require('big-integer') as (s: string) => unknown;
const { Api } = require('telegram') as { Api: Record<string, unknown> };

/** messages.sendMessage with a short text, as a client sends it. */
export function sendMessageSample(): TlSerializable {
  return {
    _: 'messages.sendMessage',
    peer: { _: 'inputPeerUser', userId: 777000n, accessHash: -6700480189419895787n },
    message: 'Hello from mtproto-wasm!',
    randomId: 8671175386481439762n,
  };
}

/** messages.messages with 20 messages (text and a bold entity) and the 10 users who wrote them. */
export function messagesSample(): TlSerializable {
  const users = [];
  for (let i = 0; i < 10; i++) {
    users.push({
      _: 'user' as const,
      contact: i % 2 === 0,
      id: 100000n + BigInt(i),
      accessHash: -1234567890123456789n + BigInt(i * 7919),
      firstName: `User ${i}`,
      lastName: i % 3 === 0 ? 'Example' : undefined,
      username: `user_${i}`,
      phone: i % 4 === 0 ? `1555000${i}` : undefined,
      photo: { _: 'userProfilePhoto' as const, photoId: 5000000000n + BigInt(i), dcId: 2 },
      status: { _: 'userStatusOnline' as const, expires: 1735910891 + i },
    });
  }
  const messages = [];
  for (let i = 0; i < 20; i++) {
    const text = `Message number ${i}: the quick brown fox jumps over the lazy dog. ${'😀'.repeat(i % 3)}`;
    messages.push({
      _: 'message' as const,
      out: i % 5 === 0,
      id: 1000 + i,
      fromId: { _: 'peerUser' as const, userId: 100000n + BigInt(i % 10) },
      peerId: { _: 'peerUser' as const, userId: 100000n },
      date: 1735910891 + i * 60,
      message: text,
      entities: [{ _: 'messageEntityBold' as const, offset: 0, length: 7 }],
    });
  }
  return { _: 'messages.messages', messages, topics: [], chats: [], users };
}

interface MtcuteEntry {
  name: string;
  id: number;
  arguments: { name: string; type: string }[];
}
let mtcuteTypes: Map<string, Map<string, string>> | undefined;
/** mtcute's schema: entry name → camelCase field → type text (mtcute writes some longs as 'int53' numbers). */
function mtcuteFieldTypes(): Map<string, Map<string, string>> {
  if (mtcuteTypes) return mtcuteTypes;
  mtcuteTypes = new Map();
  for (const file of ['@mtcute/core/tl/api-schema.json', '@mtcute/core/tl/mtp-schema.json']) {
    const json = require(file) as { e: MtcuteEntry[] } | MtcuteEntry[];
    for (const e of Array.isArray(json) ? json : json.e) {
      const camel = (n: string) => n.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
      mtcuteTypes.set(e.name, new Map(e.arguments.map((a) => [camel(a.name), a.type])));
    }
  }
  return mtcuteTypes;
}

/** The fields mtcute's layer has for an entry (camelCase), or undefined. */
export function mtcuteFields(name: string): Set<string> | undefined {
  const f = mtcuteFieldTypes().get(name);
  return f && new Set(f.keys());
}

/** mtcute's id for a name, from its schema (undefined when its layer has no such entry). */
export function mtcuteId(name: string): number | undefined {
  mtcuteFieldTypes();
  for (const file of ['@mtcute/core/tl/api-schema.json', '@mtcute/core/tl/mtp-schema.json']) {
    const json = require(file) as { e: MtcuteEntry[] } | MtcuteEntry[];
    const e = (Array.isArray(json) ? json : json.e).find((x) => x.name === name);
    if (e) return e.id;
  }
  return undefined;
}

/** Our object in mtcute's form: the same names and fields; longs as long.js Longs, or numbers where mtcute says int53. */
export function toMtcute(v: unknown, type?: string): unknown {
  if (typeof v === 'bigint') return type?.includes('int53') ? Number(v) : Long.fromString(v.toString());
  if (Array.isArray(v)) return v.map((x) => toMtcute(x, type));
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v;
  const fields = mtcuteFieldTypes().get((v as { _?: string })._ ?? '');
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toMtcute(x, fields?.get(k));
  return out;
}

/** The GramJS class for a TL name: 'messages.sendMessage' → Api.messages.SendMessage. */
export function gramClass(name: string): (new (args: object) => { getBytes(): Buffer }) & { CONSTRUCTOR_ID: number } {
  const parts = name.split('.');
  let c: unknown = Api;
  for (let i = 0; i < parts.length; i++) {
    const p = i === parts.length - 1 ? parts[i][0].toUpperCase() + parts[i].slice(1) : parts[i];
    c = (c as Record<string, unknown>)?.[p];
  }
  if (typeof c !== 'function') throw new Error(`GramJS has no class for ${name}`);
  return c as ReturnType<typeof gramClass>;
}

/** Our object as GramJS Api instances (longs as big-integer, bytes as Buffer). */
export function toGram(v: unknown): unknown {
  if (typeof v === 'bigint') return bigInt(v.toString());
  if (Array.isArray(v)) return v.map(toGram);
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (v === null || typeof v !== 'object') return v;
  const args: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== '_' && x !== undefined) args[k] = toGram(x);
  const name = (v as { _?: string })._;
  return name ? new (gramClass(name))(args) : args;
}
