// The server's salts: one per 30-minute slot, derived from a secret (so any number of future salts can
// be announced without storing them). A salt is valid from its slot's start until one slot after its
// end — the spec's "the old salt is accepted 1800 s more". rotate() replaces the secret: every salt
// handed out so far stops being accepted (a forced salt change, for tests and key compromise drills).
import { sha256 } from '../../bindings/sha.ts';

export const SALT_PERIOD = 1800;

export interface ScheduledSalt {
  validSince: number;
  validUntil: number;
  salt: bigint;
}

export class SaltSchedule {
  private secret = crypto.getRandomValues(new Uint8Array(32));

  constructor(private readonly nowSeconds: () => number) {}

  private cache = new Map<number, bigint>();

  /** The salt of a slot (cached: every packet checks one or two). */
  saltOf(slot: number): bigint {
    let salt = this.cache.get(slot);
    if (salt === undefined) {
      salt = this.derive(slot);
      if (this.cache.size > 128) this.cache.clear();
      this.cache.set(slot, salt);
    }
    return salt;
  }

  private derive(slot: number): bigint {
    const input = new Uint8Array(40);
    input.set(this.secret);
    new DataView(input.buffer).setFloat64(32, slot, true);
    return new DataView(sha256(input).buffer).getBigInt64(0, true);
  }

  private slot(): number {
    return Math.floor(this.nowSeconds() / SALT_PERIOD);
  }

  get current(): bigint {
    return this.saltOf(this.slot());
  }

  /** True for the current slot's salt and the previous one's. */
  accepts(salt: bigint): boolean {
    const slot = this.slot();
    return salt === this.saltOf(slot) || salt === this.saltOf(slot - 1);
  }

  /** `count` salts from the current one on (get_future_salts answers 1..64). */
  future(count: number): ScheduledSalt[] {
    const n = Math.max(1, Math.min(64, count | 0));
    const first = this.slot();
    const out: ScheduledSalt[] = [];
    for (let i = 0; i < n; i++) {
      const slot = first + i;
      out.push({ validSince: slot * SALT_PERIOD, validUntil: (slot + 2) * SALT_PERIOD, salt: this.saltOf(slot) });
    }
    return out;
  }

  rotate(): void {
    this.secret = crypto.getRandomValues(new Uint8Array(32));
    this.cache.clear();
  }
}
