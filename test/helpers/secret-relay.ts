// An in-memory relay between two SecretChat endpoints, standing in for the server: it only ever holds
// ciphertext, keeps each direction in order, and lets a test drop, tamper with, replay or hold messages.
import { SecretChat, type SecretChatOptions } from '../../src/client/secret/secret-chat.ts';
import type { SecretChatEvent, SecretFileInfo, SecretOutgoing } from '../../src/client/secret/types.ts';
import { createDhHalf, secretDhKey } from '../../src/crypto/secret/index.ts';
import { TELEGRAM_DH_PRIME } from '../../src/crypto/dh.ts';

export const DH = { g: 3, p: TELEGRAM_DH_PRIME };

export interface Side {
  chat: SecretChat;
  events: SecretChatEvent[];
  /** Ciphertexts on their way to this side. */
  inbox: { data: Uint8Array; file?: SecretFileInfo }[];
  offline: boolean;
}

export class Relay {
  readonly a: Side;
  readonly b: Side;
  /** Every ciphertext the relay carried (for the "no plaintext on the server" check). */
  readonly carried: Uint8Array[] = [];
  /** Encrypted files "uploaded" to the relay, by id. */
  readonly files = new Map<bigint, Uint8Array>();
  /** The key both sides started with (tests craft their own messages with it). */
  readonly key: Uint8Array;
  /** Applied to each ciphertext before it is queued; return undefined to drop it. */
  filter: (to: 'a' | 'b', out: SecretOutgoing) => Uint8Array | undefined = (_, out) => out.data;

  constructor(opts: Partial<SecretChatOptions> = {}) {
    // A real DH between the two ends (what requestEncryption/acceptEncryption carry).
    const ha = createDhHalf(DH, new Uint8Array(256).fill(9));
    const hb = createDhHalf(DH);
    this.key = secretDhKey(DH, ha, hb.publicValue, 'g_b');
    const keyB = secretDhKey(DH, hb, ha.publicValue, 'g_a');
    const mk = (name: 'a' | 'b', originator: boolean, key: Uint8Array): Side => {
      const side: Side = { chat: undefined as unknown as SecretChat, events: [], inbox: [], offline: false };
      side.chat = new SecretChat({
        id: 7, originator, key, dh: DH, ...opts,
        send: (out) => this.route(name === 'a' ? 'b' : 'a', out),
      });
      side.chat.on((e) => side.events.push(e));
      return side;
    };
    this.a = mk('a', true, this.key);
    this.b = mk('b', false, keyB);
  }

  private route(to: 'a' | 'b', out: SecretOutgoing): void {
    this.carried.push(out.data);
    const data = this.filter(to, out);
    if (data === undefined) return;
    const item: { data: Uint8Array; file?: SecretFileInfo } = { data };
    if (out.file !== undefined) item.file = out.file as SecretFileInfo;
    this[to].inbox.push(item);
  }

  /** Delivers queued ciphertexts (in order per direction) until nothing moves; offline sides keep theirs. */
  pump(): number {
    let n = 0;
    for (let moved = true; moved; ) {
      moved = false;
      for (const side of [this.a, this.b]) {
        if (side.offline) continue;
        const item = side.inbox.shift();
        if (item === undefined) continue;
        side.chat.receive({ bytes: item.data, file: item.file });
        moved = true;
        n++;
      }
    }
    return n;
  }

  texts(side: Side): string[] {
    return side.events.flatMap((e) => (e.type === 'message' ? [e.message.message] : []));
  }

  errors(side: Side): string[] {
    return side.events.flatMap((e) => (e.type === 'error' ? [(e.error as { check?: string }).check ?? e.error.name] : []));
  }
}
