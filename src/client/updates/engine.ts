// The updates engine: turns whatever the server sends (pushed Updates, Updates answered to our own calls,
// messages.affectedMessages) into one stream of full updates, each delivered once, in the order of the
// account's common message box — as core.telegram.org/api/updates prescribes:
//
// - pts (with pts_count): local_pts + pts_count === pts → apply; > pts → already applied, dropped;
//   < pts → a gap: the update waits (gapWaitMs, 500 ms as the spec suggests) for the ones before it,
//   then updates.getDifference fills the hole.
// - qts: the same with qts_count = 1 (updateNewEncryptedMessage and the other qts updates).
// - seq: `updates` / `updatesCombined` apply when local_seq + 1 === seq_start (seq_start = seq for
//   `updates`); seq = 0 means "no order": applied at once. Their inner updates still pass the pts/qts rules.
// - updatesTooLong, a gap that does not close, a new session or a reconnection → updates.getDifference,
//   repeated while the server answers differenceSlice; differenceTooLong moves pts forward and is reported.
// - updateShortMessage / updateShortChatMessage / updateShort are expanded into full updates first.
//
// Everything runs through one queue, one job at a time: while getDifference is in flight, live updates
// wait behind it and are then judged against the state it brought (so an update is never delivered both
// by getDifference and live). The invoker is an interface so tests can drive the engine with synthetic
// sequences.
import type {
  RawUpdates, RawUpdatesCombined, RawUpdatesState, TypeChat, TypeUpdate, TypeUpdates, TypeUpdatesDifference, TypeUser,
} from '../../tl/generated/types.ts';
import { expandShortMessage } from './expand.ts';
import { copyState, orderingOf, type UpdatesState } from './state.ts';

export interface UpdatesInvoker {
  getState(): Promise<RawUpdatesState>;
  getDifference(from: UpdatesState): Promise<TypeUpdatesDifference>;
}

export type UpdatesEngineEvent =
  | { type: 'gap'; box: 'pts' | 'qts' | 'seq'; local: number; remote: number }
  | { type: 'duplicate'; box: 'pts' | 'qts' | 'seq'; local: number; remote: number }
  | { type: 'difference'; reason: string; from: UpdatesState }
  | { type: 'difference_too_long'; pts: number }
  | { type: 'error'; error: Error };

export interface UpdatesEngineOptions {
  invoker: UpdatesInvoker;
  /** Receives every update once, in order. */
  deliver(update: TypeUpdate): void;
  /** Users and chats that came with updates (for a peer cache). */
  entities?(users: TypeUser[], chats: TypeChat[]): void;
  /** The signed-in user (sender of outgoing short messages). */
  selfId?(): bigint | undefined;
  /** Called after the state changed (the owner persists it). */
  onState?(state: UpdatesState): void;
  onEvent?(event: UpdatesEngineEvent): void;
  /** How long a gap may stay open before getDifference (default 500 ms). */
  gapWaitMs?: number;
  /** Wait before trying again after getState/getDifference failed (default 1000 ms). */
  retryMs?: number;
}

type Job =
  | { kind: 'init'; state?: UpdatesState }
  | { kind: 'updates'; updates: TypeUpdates }
  | { kind: 'affected'; pts: number; count: number; update?: TypeUpdate }
  | { kind: 'difference'; reason: string };

interface PtsItem { update?: TypeUpdate; pts: number; count: number }
interface QtsItem { update: TypeUpdate; qts: number }
interface SeqItem { updates: RawUpdates | RawUpdatesCombined; seqStart: number; seq: number }

export class UpdatesEngine {
  private s?: UpdatesState;
  private readonly jobs: Job[] = [];
  private running = false;
  private started = false;
  private stopped = false;
  private differenceQueued = false;
  private dirty = false;
  /** Updates waiting for the ones before them: pts items by their first pts (pts − pts_count), qts by qts, containers by seq_start. */
  private readonly pendingPts = new Map<number, PtsItem>();
  private readonly pendingQts = new Map<number, QtsItem>();
  private readonly pendingSeq = new Map<number, SeqItem>();
  private gapTimer?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly gapWaitMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: UpdatesEngineOptions) {
    this.gapWaitMs = options.gapWaitMs ?? 500;
    this.retryMs = options.retryMs ?? 1000;
  }

  /** The state last applied (undefined before start). */
  get state(): UpdatesState | undefined {
    return this.s && copyState(this.s);
  }

  /** Updates waiting for a gap to close. */
  get pending(): number {
    return this.pendingPts.size + this.pendingQts.size + this.pendingSeq.size;
  }

  /**
   * Starts: from a stored state (then getDifference catches up with what happened meanwhile), or from
   * the server's current state (updates.getState). Updates handed in before start wait for it.
   */
  start(state?: UpdatesState): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.jobs.unshift({ kind: 'init', state: state && copyState(state) });
    this.pump();
  }

  /** Updates from the server: pushed, or the answer to one of our calls. */
  handle(updates: TypeUpdates): void {
    if (this.stopped) return;
    this.jobs.push({ kind: 'updates', updates });
    this.pump();
  }

  /**
   * messages.affectedMessages / affectedHistory: pts moved by pts_count. `update`: what to deliver for it
   * (e.g. our own updateDeleteMessages), else nothing is.
   */
  handleAffected(pts: number, ptsCount: number, update?: TypeUpdate): void {
    if (this.stopped) return;
    this.jobs.push({ kind: 'affected', pts, count: ptsCount, update });
    this.pump();
  }

  /** Asks for updates.getDifference (after a reconnection or a new session): at most one queued at a time. */
  sync(reason: string): void {
    if (this.stopped || this.differenceQueued) return;
    this.differenceQueued = true;
    this.jobs.push({ kind: 'difference', reason });
    this.pump();
  }

  /** Resolves once every job handed in so far has been processed (tests, close). */
  idle(): Promise<void> {
    if (!this.running && (this.jobs.length === 0 || !this.started || this.stopped)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.jobs.length = 0;
    clearTimeout(this.gapTimer);
    clearTimeout(this.retryTimer);
    this.gapTimer = this.retryTimer = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---- the queue ----

  private pump(): void {
    if (this.running || !this.started || this.stopped) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.jobs.length > 0 && !this.stopped) {
        const job = this.jobs.shift()!;
        try {
          await this.runJob(job);
        } catch (error) {
          this.options.onEvent?.({ type: 'error', error: error as Error });
        }
        this.flushState();
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async runJob(job: Job): Promise<void> {
    switch (job.kind) {
      case 'init':
        if (job.state) {
          this.s = job.state;
          this.dirty = true;
          return this.difference('start');
        }
        return this.fetchState();
      case 'difference':
        this.differenceQueued = false;
        return this.difference(job.reason);
      case 'affected':
        return this.applyPts({ pts: job.pts, count: job.count, update: job.update });
      case 'updates':
        return this.applyUpdates(job.updates);
    }
  }

  private async fetchState(): Promise<void> {
    let remote: RawUpdatesState;
    try {
      remote = await this.options.invoker.getState();
    } catch (error) {
      this.options.onEvent?.({ type: 'error', error: error as Error });
      if (this.stopped) return;
      // Nothing can be judged without a state: hold every job until it comes.
      this.jobs.unshift({ kind: 'init' });
      this.started = false;
      this.retryTimer = unref(setTimeout(() => {
        this.retryTimer = undefined;
        this.started = true;
        this.pump();
      }, this.retryMs));
      return;
    }
    this.s = { pts: remote.pts, qts: remote.qts, date: remote.date, seq: remote.seq };
    this.dirty = true;
  }

  private flushState(): void {
    if (!this.dirty || !this.s) return;
    this.dirty = false;
    this.options.onState?.(copyState(this.s));
  }

  // ---- applying ----

  private async applyUpdates(u: TypeUpdates): Promise<void> {
    switch (u._) {
      case 'updatesTooLong':
        return this.difference('updatesTooLong');
      case 'updateShortMessage':
      case 'updateShortChatMessage':
        return this.applyUpdate(expandShortMessage(u, this.options.selfId?.()));
      case 'updateShort':
        return this.applyUpdate(u.update);
      case 'updateShortSentMessage':
        // Only the caller knows the message it sent (expandShortSent); here pts still moves.
        return this.applyPts({ pts: u.pts, count: u.ptsCount });
      case 'updates':
      case 'updatesCombined': {
        this.options.entities?.(u.users, u.chats);
        if (u.seq === 0) return this.applyContainer(u);
        const item: SeqItem = { updates: u, seqStart: u._ === 'updatesCombined' ? u.seqStart : u.seq, seq: u.seq };
        const s = this.s!;
        if (s.seq + 1 === item.seqStart) {
          this.applyContainer(u);
          return this.drainSeq();
        }
        if (s.seq + 1 > item.seqStart) return this.options.onEvent?.({ type: 'duplicate', box: 'seq', local: s.seq, remote: item.seqStart });
        this.options.onEvent?.({ type: 'gap', box: 'seq', local: s.seq, remote: item.seqStart });
        if (!this.pendingSeq.has(item.seqStart)) this.pendingSeq.set(item.seqStart, item);
        return this.armGap();
      }
    }
  }

  private applyContainer(u: RawUpdates | RawUpdatesCombined): void {
    for (const update of u.updates) this.applyUpdate(update);
    if (u.seq !== 0) {
      this.s!.seq = u.seq;
      if (u.date > this.s!.date) this.s!.date = u.date;
      this.dirty = true;
    }
  }

  private drainSeq(): void {
    for (let next = this.pendingSeq.get(this.s!.seq + 1); next; next = this.pendingSeq.get(this.s!.seq + 1)) {
      this.pendingSeq.delete(next.seqStart);
      this.applyContainer(next.updates);
    }
    this.gapsChanged();
  }

  private applyUpdate(update: TypeUpdate): void {
    const order = orderingOf(update);
    if (order.box === 'pts') return this.applyPts({ update, pts: order.pts, count: order.count });
    if (order.box === 'qts') return this.applyQts({ update, qts: order.qts });
    this.options.deliver(update);
  }

  private applyPts(item: PtsItem): void {
    const s = this.s!;
    const expected = s.pts + item.count;
    if (expected === item.pts) {
      this.commitPts(item);
      for (let next = this.pendingPts.get(s.pts); next; next = this.pendingPts.get(s.pts)) {
        this.pendingPts.delete(s.pts);
        this.commitPts(next);
      }
      return this.gapsChanged();
    }
    if (expected > item.pts) return this.options.onEvent?.({ type: 'duplicate', box: 'pts', local: s.pts, remote: item.pts });
    this.options.onEvent?.({ type: 'gap', box: 'pts', local: s.pts, remote: item.pts });
    const start = item.pts - item.count;
    if (!this.pendingPts.has(start)) this.pendingPts.set(start, item);
    this.armGap();
  }

  private commitPts(item: PtsItem): void {
    if (item.update) this.options.deliver(item.update);
    this.s!.pts = item.pts;
    this.dirty = true;
  }

  private applyQts(item: QtsItem): void {
    const s = this.s!;
    if (s.qts + 1 === item.qts) {
      this.commitQts(item);
      for (let next = this.pendingQts.get(s.qts + 1); next; next = this.pendingQts.get(s.qts + 1)) {
        this.pendingQts.delete(next.qts);
        this.commitQts(next);
      }
      return this.gapsChanged();
    }
    if (s.qts + 1 > item.qts) return this.options.onEvent?.({ type: 'duplicate', box: 'qts', local: s.qts, remote: item.qts });
    this.options.onEvent?.({ type: 'gap', box: 'qts', local: s.qts, remote: item.qts });
    if (!this.pendingQts.has(item.qts)) this.pendingQts.set(item.qts, item);
    this.armGap();
  }

  private commitQts(item: QtsItem): void {
    this.options.deliver(item.update);
    this.s!.qts = item.qts;
    this.dirty = true;
  }

  // ---- gaps ----

  private armGap(): void {
    if (this.gapTimer || this.stopped) return;
    this.gapTimer = unref(setTimeout(() => {
      this.gapTimer = undefined;
      if (this.pending > 0) this.sync('gap');
    }, this.gapWaitMs));
  }

  /** A gap closed: no timer while nothing waits. */
  private gapsChanged(): void {
    if (this.pending === 0 && this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  // ---- getDifference ----

  private async difference(reason: string): Promise<void> {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    const s = this.s!;
    this.options.onEvent?.({ type: 'difference', reason, from: copyState(s) });
    for (;;) {
      let diff: TypeUpdatesDifference;
      try {
        diff = await this.options.invoker.getDifference(copyState(s));
      } catch (error) {
        if (this.stopped) return;
        this.options.onEvent?.({ type: 'error', error: error as Error });
        clearTimeout(this.retryTimer);
        this.retryTimer = unref(setTimeout(() => {
          this.retryTimer = undefined;
          this.sync(`retry: ${reason}`);
        }, this.retryMs));
        return;
      }
      if (this.stopped) return;
      this.dirty = true;
      switch (diff._) {
        case 'updates.differenceEmpty':
          s.date = diff.date;
          s.seq = diff.seq;
          break;
        case 'updates.difference':
        case 'updates.differenceSlice': {
          this.options.entities?.(diff.users, diff.chats);
          for (const message of diff.newMessages) this.options.deliver({ _: 'updateNewMessage', message, pts: 0, ptsCount: 0 });
          for (const message of diff.newEncryptedMessages) this.options.deliver({ _: 'updateNewEncryptedMessage', message, qts: 0 });
          for (const update of diff.otherUpdates) this.options.deliver(update);
          const next = diff._ === 'updates.difference' ? diff.state : diff.intermediateState;
          Object.assign(s, { pts: next.pts, qts: next.qts, date: next.date, seq: next.seq });
          if (diff._ === 'updates.differenceSlice') {
            this.flushState();
            continue;
          }
          break;
        }
        case 'updates.differenceTooLong':
          // Too much to replay: the server moves us to its pts; the app should reload what it shows.
          s.pts = diff.pts;
          this.options.onEvent?.({ type: 'difference_too_long', pts: diff.pts });
          this.flushState();
          continue;
      }
      break;
    }
    this.settlePending();
  }

  /** After getDifference: what it covered is dropped from the waiting updates; what follows on from the new state applies. */
  private settlePending(): void {
    const s = this.s!;
    for (const [start, item] of this.pendingPts) if (item.pts <= s.pts) this.pendingPts.delete(start);
    for (const [qts] of this.pendingQts) if (qts <= s.qts) this.pendingQts.delete(qts);
    for (const [start, item] of this.pendingSeq) if (item.seq <= s.seq) this.pendingSeq.delete(start);
    for (let next = this.pendingPts.get(s.pts); next; next = this.pendingPts.get(s.pts)) {
      this.pendingPts.delete(s.pts);
      this.commitPts(next);
    }
    for (let next = this.pendingQts.get(s.qts + 1); next; next = this.pendingQts.get(s.qts + 1)) {
      this.pendingQts.delete(next.qts);
      this.commitQts(next);
    }
    this.drainSeq();
    if (this.pending > 0) this.armGap();
  }
}

/** The engine's timers never keep a process alive on their own (the connection does while it is open). */
function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
