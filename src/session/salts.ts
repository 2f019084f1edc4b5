// Server salts (core.telegram.org/mtproto/description, "Server Salt"; service_messages, get_future_salts).
// A salt is valid for a window of time; the server keeps accepting the previous one a while after the
// next takes over. The client holds the current salt plus the future salts the server announced, and
// moves to the next one once its window opens (by the server's clock).

export interface FutureSalt {
  validSince: number;
  validUntil: number;
  salt: bigint;
}

export class ServerSalts {
  private future: FutureSalt[] = [];

  constructor(public current: bigint = 0n) {}

  /**
   * A salt the server told us to use (bad_server_salt, new_session_created): takes effect now, and the
   * future salts learned before are dropped (the server may have changed its schedule).
   */
  set(salt: bigint): void {
    this.current = salt;
    this.future = [];
  }

  /** Salts from future_salts; kept sorted by validSince. */
  addFuture(salts: readonly FutureSalt[]): void {
    const known = new Set(this.future.map((s) => s.salt));
    for (const s of salts) if (!known.has(s.salt)) this.future.push({ validSince: s.validSince, validUntil: s.validUntil, salt: s.salt });
    this.future.sort((a, b) => a.validSince - b.validSince);
  }

  /** The salt to send at `nowSeconds` (server clock): the newest future salt whose window is open, else current. */
  pick(nowSeconds: number): bigint {
    while (this.future.length > 0 && this.future[0].validUntil <= nowSeconds) this.future.shift();
    let chosen: FutureSalt | undefined;
    for (const s of this.future) if (s.validSince <= nowSeconds) chosen = s;
    if (chosen) this.current = chosen.salt;
    return this.current;
  }

  /** Seconds of known salts left after now (ask get_future_salts when it runs low). */
  coverage(nowSeconds: number): number {
    const last = this.future[this.future.length - 1];
    return last ? Math.max(0, last.validUntil - nowSeconds) : 0;
  }

  get futureCount(): number {
    return this.future.length;
  }
}
