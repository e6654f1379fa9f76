// Replaying a patrol track (轨迹回放): where the walker was at a moment, by the timestamps of the
// cleaned track, moving in a straight line between two fixes.
import type { TrackPointView } from '../api/types';

export interface TimedTrack {
  /** Milliseconds since the epoch, one per point, ascending. */
  times: number[];
  coords: [number, number][];
}

export function timed(track: readonly TrackPointView[]): TimedTrack {
  return { times: track.map((p) => Date.parse(p.t)), coords: track.map((p) => [p.lon, p.lat]) };
}

/** The position at `at` (clamped to the track's span), or null for an empty track. */
export function positionAt(track: TimedTrack, at: number): [number, number] | null {
  const { times, coords } = track;
  const n = times.length;
  if (n === 0) return null;
  if (at <= times[0]!) return coords[0]!;
  if (at >= times[n - 1]!) return coords[n - 1]!;
  // The last point at or before `at`.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= at) lo = mid;
    else hi = mid;
  }
  const [t0, t1] = [times[lo]!, times[hi]!];
  const [a, b] = [coords[lo]!, coords[hi]!];
  const f = t1 > t0 ? (at - t0) / (t1 - t0) : 0;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** The points walked by `at`, ending at the interpolated position (the replayed part). */
export function walkedBy(track: TimedTrack, at: number): [number, number][] {
  const here = positionAt(track, at);
  if (!here) return [];
  const done = track.coords.filter((_, i) => track.times[i]! <= at);
  return [...done, here];
}
