// 核查图斑 in the field app: the pending change spots of the user's grids, nearest first, the
// links that hand a spot to the phone's map app, and the before/after imagery of a spot.
// The lists seen last are kept in localStorage so that a spot can be verified offline.
import type { Geometry } from 'geojson';
import { api } from '../api';
import type { BatchView, SceneView, SpotProperties, VerificationBody } from '../api/types';
import { enqueue, photoJobs } from './queue';
import { kick } from './sync';

export interface FieldSpot {
  id: string;
  batch: BatchView;
  geometry: Geometry | null;
  p: SpotProperties;
}

const CACHE_KEY = 'lz_field_spots';

/** Great-circle distance in metres (haversine). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const r = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

// WGS-84 → GCJ-02 (the datum Amap expects), the published closed form as in crates/geo/src/gcj02.rs.
const A = 6_378_245.0;
const EE = 0.006_693_421_622_965_943;
function transformLat(x: number, y: number): number {
  const { PI, sin, sqrt, abs } = Math;
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x));
  r += ((20 * sin(6 * x * PI) + 20 * sin(2 * x * PI)) * 2) / 3;
  r += ((20 * sin(y * PI) + 40 * sin((y / 3) * PI)) * 2) / 3;
  r += ((160 * sin((y / 12) * PI) + 320 * sin((y * PI) / 30)) * 2) / 3;
  return r;
}
function transformLon(x: number, y: number): number {
  const { PI, sin, sqrt, abs } = Math;
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x));
  r += ((20 * sin(6 * x * PI) + 20 * sin(2 * x * PI)) * 2) / 3;
  r += ((20 * sin(x * PI) + 40 * sin((x / 3) * PI)) * 2) / 3;
  r += ((150 * sin((x / 12) * PI) + 300 * sin((x / 30) * PI)) * 2) / 3;
  return r;
}
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  if (!(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)) return [lon, lat];
  const x = lon - 105;
  const y = lat - 35;
  const rad = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(rad) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLon = (transformLon(x, y) * 180) / ((A / sqrtMagic) * Math.cos(rad) * Math.PI);
  const dLat = (transformLat(x, y) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** `geo:` for the phone's default map app (WGS-84), and Amap's marker page (GCJ-02). */
export function navigationLinks(lon: number, lat: number, name: string): { geo: string; amap: string } {
  const [gx, gy] = wgs84ToGcj02(lon, lat);
  const q = new URLSearchParams({ position: `${gx.toFixed(6)},${gy.toFixed(6)}`, name, coordinate: 'gaode', callnative: '1' });
  return { geo: `geo:${lat.toFixed(6)},${lon.toFixed(6)}?q=${lat.toFixed(6)},${lon.toFixed(6)}`, amap: `https://uri.amap.com/marker?${q}` };
}

/** The pending spots of every batch in the caller's grids (cached for offline use). */
export async function loadPendingSpots(): Promise<FieldSpot[]> {
  const batches = (await api.changeBatches()).filter((b) => b.spots > b.verified);
  const lists = await Promise.all(
    batches.map(async (batch) => {
      const fc = await api.changeSpots(batch.id, 'pending');
      return fc.features.map((f) => ({ id: String(f.id), batch, geometry: f.geometry, p: f.properties }));
    }),
  );
  const all = lists.flat();
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify(all));
  } catch {
    // Full storage: the list still shows, just not offline.
  }
  return all;
}

export function cachedSpots(): FieldSpot[] {
  try {
    const v = localStorage.getItem(CACHE_KEY);
    return v ? (JSON.parse(v) as FieldSpot[]) : [];
  } catch {
    return [];
  }
}

const day = (s: string | null | undefined) => (s ? Date.parse(s.slice(0, 10)) : NaN);

/**
 * The scenes to compare at a spot: among those covering it, the last acquired on or before the
 * batch's before date and the first on or after its after date; failing that, the scenes
 * nearest in time to those dates (the oldest and newest when the batch has no dates).
 */
export function beforeAfterScenes(
  scenes: SceneView[],
  at: { lon: number; lat: number },
  batch: Pick<BatchView, 'before_date' | 'after_date'>,
): { before: SceneView | null; after: SceneView | null } {
  const covering = scenes
    .filter((s) => {
      const [x0 = 180, y0 = 90, x1 = -180, y1 = -90] = s.bounds;
      return at.lon >= x0 && at.lon <= x1 && at.lat >= y0 && at.lat <= y1 && !Number.isNaN(day(s.acquired_on));
    })
    .sort((a, b) => day(a.acquired_on) - day(b.acquired_on));
  if (covering.length === 0) return { before: null, after: null };
  const b = day(batch.before_date);
  const a = day(batch.after_date);
  let before = Number.isNaN(b) ? undefined : covering.filter((s) => day(s.acquired_on) <= b).at(-1);
  let after = Number.isNaN(a) ? undefined : covering.find((s) => day(s.acquired_on) >= a);
  const nearest = (when: number, fallback: SceneView | undefined, not?: SceneView) => {
    const rest = covering.filter((s) => s !== not);
    if (Number.isNaN(when)) return fallback && fallback !== not ? fallback : rest[0];
    return rest.sort((x, y) => Math.abs(day(x.acquired_on) - when) - Math.abs(day(y.acquired_on) - when))[0];
  };
  before ??= nearest(b, covering[0], after);
  after ??= nearest(a, covering.at(-1), before);
  return { before: before ?? null, after: after ?? null };
}

/**
 * Queues a verification and its photos (核实照片) in one transaction, the photos after it; each is
 * sent once by the outbox (the server acknowledges a repeat).
 */
export async function queueVerification(spotId: string, body: VerificationBody, photos: File[] = []): Promise<void> {
  await enqueue({ kind: 'verification', spotId, body }, ...photoJobs({ kind: 'spot', id: spotId }, photos));
  kick();
}
