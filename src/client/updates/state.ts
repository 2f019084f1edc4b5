// The common updates state of an account (core.telegram.org/api/updates): pts (messages and other
// events of the common message box), qts (secret chats and a few bot events), date and seq (the order of
// `updates`/`updatesCombined` containers). Channels keep their own pts, which this client does not track.
import type { TypeUpdate } from '../../tl/generated/types.ts';

export interface UpdatesState {
  pts: number;
  qts: number;
  date: number;
  seq: number;
}

export function copyState(s: UpdatesState): UpdatesState {
  return { pts: s.pts, qts: s.qts, date: s.date, seq: s.seq };
}

/** How an update is ordered: by the common pts (with its pts_count), by qts (count 1), or not at all. */
export type Ordering = { box: 'pts'; pts: number; count: number } | { box: 'qts'; qts: number } | { box: 'none' };

/**
 * Channel updates carry the channel's own pts: they are not checked against the common one. Every other
 * update with pts and pts_count belongs to the common box; an update with qts to the qts box.
 */
export function orderingOf(update: TypeUpdate): Ordering {
  const u = update as unknown as { _: string; pts?: unknown; ptsCount?: unknown; qts?: unknown };
  if (typeof u.qts === 'number') return { box: 'qts', qts: u.qts };
  if (u._.includes('Channel')) return { box: 'none' };
  if (typeof u.pts === 'number' && typeof u.ptsCount === 'number') return { box: 'pts', pts: u.pts, count: u.ptsCount };
  return { box: 'none' };
}
