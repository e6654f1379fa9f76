// The ranger's patrol on this phone: check-in, start, pause, resume and end, and the live track
// from `navigator.geolocation.watchPosition`. Every fix becomes a point with its own id, queued
// at once; the patrol survives a reload (localStorage) and keeps tracking while it is active.
import { reactive, readonly } from 'vue';
import type { PatrolPoint } from '../api/types';
import { uuid7 } from './ids';
import { enqueue } from './queue';
import { kick } from './sync';

export interface Fix {
  lon: number;
  lat: number;
  accuracy: number | null;
  speed: number | null;
  at: number;
}

interface CurrentPatrol {
  id: string;
  state: 'active' | 'paused';
  startedAt: string;
  points: number;
  distanceM: number;
  /** The last fix kept as a point (survives a reload with the patrol). */
  last: Fix | null;
}

interface PatrolState {
  current: CurrentPatrol | null;
  /** The latest position heard (for check-ins and reports). */
  here: Fix | null;
  geoError: string | null;
  checkedInAt: string | null;
}

const KEY = 'lz_field_patrol';
const CHECKIN_KEY = 'lz_field_checkin';

function load<T>(key: string): T | null {
  try {
    const v = localStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : null;
  } catch {
    return null;
  }
}

const state = reactive<PatrolState>({
  current: load<CurrentPatrol>(KEY),
  here: null,
  geoError: null,
  checkedInAt: load<string>(CHECKIN_KEY),
});
export const patrol = readonly(state);

function save() {
  if (state.current) localStorage.setItem(KEY, JSON.stringify(state.current));
  else localStorage.removeItem(KEY);
}

/** Great-circle distance in metres (for the figure shown while walking; the server computes its own). */
function metres(a: Fix, b: Fix): number {
  const r = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

function fixOf(p: GeolocationPosition): Fix {
  return {
    lon: p.coords.longitude,
    lat: p.coords.latitude,
    accuracy: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null,
    speed: p.coords.speed ?? null,
    at: p.timestamp,
  };
}

let watch: number | null = null;
/** A fix at the very place of the last point within this long adds nothing to the track. */
const SAME_PLACE_MS = 60_000;

async function onFix(p: GeolocationPosition) {
  const fix = fixOf(p);
  state.here = fix;
  state.geoError = null;
  const cur = state.current;
  if (!cur || cur.state !== 'active') return;
  // The same place reported again (a watcher restarted after a reload, a phone lying still)
  // is not a new point.
  const last = cur.last;
  if (last && last.lon === fix.lon && last.lat === fix.lat && fix.at - last.at < SAME_PLACE_MS) return;
  const point: PatrolPoint = {
    id: uuid7(fix.at),
    t: new Date(fix.at).toISOString(),
    lon: fix.lon,
    lat: fix.lat,
    accuracy_m: fix.accuracy,
    speed_mps: fix.speed,
  };
  if (last) cur.distanceM += metres(last, fix);
  cur.last = fix;
  cur.points += 1;
  save();
  await enqueue({ kind: 'points', patrolId: cur.id, points: [point] });
  kick();
}

function startWatch() {
  if (watch !== null || !('geolocation' in navigator)) return;
  watch = navigator.geolocation.watchPosition(
    (p) => void onFix(p),
    (e) => {
      state.geoError = e.message || `geolocation error ${e.code}`;
    },
    { enableHighAccuracy: true, maximumAge: 0, timeout: 60_000 },
  );
}

function stopWatch() {
  if (watch !== null) navigator.geolocation.clearWatch(watch);
  watch = null;
}

/** One position now (or the last one heard, or none within a few seconds). */
export function locate(timeoutMs = 8_000): Promise<Fix | null> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(state.here);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        state.here = fixOf(p);
        resolve(state.here);
      },
      () => resolve(state.here),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: timeoutMs },
    );
  });
}

export async function checkIn(): Promise<void> {
  const fix = await locate();
  const at = new Date().toISOString();
  await enqueue({
    kind: 'checkin',
    body: { id: uuid7(), at, lon: fix?.lon ?? null, lat: fix?.lat ?? null, accuracy_m: fix?.accuracy ?? null },
  });
  state.checkedInAt = at;
  localStorage.setItem(CHECKIN_KEY, JSON.stringify(at));
  kick();
}

export async function startPatrol(): Promise<void> {
  if (state.current) return;
  const id = uuid7();
  const startedAt = new Date().toISOString();
  await enqueue({ kind: 'patrol-start', body: { id, started_at: startedAt } });
  state.current = { id, state: 'active', startedAt, points: 0, distanceM: 0, last: null };
  save();
  kick();
  startWatch();
}

export async function pausePatrol(): Promise<void> {
  const cur = state.current;
  if (!cur || cur.state !== 'active') return;
  stopWatch();
  await enqueue({ kind: 'patrol-action', patrolId: cur.id, action: 'pause' });
  cur.state = 'paused';
  save();
  kick();
}

export async function resumePatrol(): Promise<void> {
  const cur = state.current;
  if (!cur || cur.state !== 'paused') return;
  await enqueue({ kind: 'patrol-action', patrolId: cur.id, action: 'resume' });
  cur.state = 'active';
  save();
  kick();
  startWatch();
}

export async function endPatrol(): Promise<void> {
  const cur = state.current;
  if (!cur) return;
  stopWatch();
  await enqueue({ kind: 'patrol-action', patrolId: cur.id, action: 'end' });
  state.current = null;
  save();
  kick();
}

/** After a reload: keep tracking an active patrol. */
export function resumeTracking(): void {
  if (state.current?.state === 'active') startWatch();
}

/** Forgets this phone's patrol and check-in (on logout). */
export function forget(): void {
  stopWatch();
  state.current = null;
  state.checkedInAt = null;
  localStorage.removeItem(KEY);
  localStorage.removeItem(CHECKIN_KEY);
}
