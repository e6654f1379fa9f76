// Distances and areas on the sphere, for the measurement tools and the buffer preview. Good to
// a few tenths of a percent at Wuxi's latitude, which is what a measurement on screen needs; the
// server computes the areas that count (statistics, queries) itself.
import type { Geometry } from 'geojson';

/** A longitude/latitude pair in degrees. */
export type LngLat = [number, number];

/** The WGS 84 equatorial radius, as most web mapping tools use for spherical measures. */
export const EARTH_RADIUS_M = 6_378_137;

const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** Great-circle distance between two points (haversine), in metres. */
export function haversineM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length of a polyline, in metres. */
export function lengthM(points: readonly LngLat[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += haversineM(points[i - 1]!, points[i]!);
  return sum;
}

/**
 * Area of a simple polygon ring (closed or not) on the sphere, in m², by the spherical excess
 * of its edges (Chamberlain & Duquette, "Some algorithms for polygons on a sphere", 2007).
 */
export function ringAreaM2(ring: readonly LngLat[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p1 = ring[i]!;
    const p2 = ring[(i + 1) % n]!;
    sum += rad(p2[0] - p1[0]) * (2 + Math.sin(rad(p1[1])) + Math.sin(rad(p2[1])));
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

/** The point `distanceM` away from `from` in the direction `bearingDeg` (0 = north). */
export function destination(from: LngLat, distanceM: number, bearingDeg: number): LngLat {
  const d = distanceM / EARTH_RADIUS_M;
  const b = rad(bearingDeg);
  const lat1 = rad(from[1]);
  const lng1 = rad(from[0]);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return [deg(lng2), deg(lat2)];
}

/** A closed ring approximating the circle of `radiusM` around `center` (for drawing a buffer). */
export function circleRing(center: LngLat, radiusM: number, steps = 64): LngLat[] {
  const ring: LngLat[] = [];
  for (let i = 0; i < steps; i++) ring.push(destination(center, radiusM, (360 * i) / steps));
  ring.push(ring[0]!);
  return ring;
}

/** The ring closed (last point equal to the first). */
export function closeRing(points: readonly LngLat[]): LngLat[] {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return [];
  return first[0] === last[0] && first[1] === last[1] ? [...points] : [...points, first];
}

/** [west, south, east, north] of every position in a GeoJSON geometry, or null when it has none. */
export function bbox(geometry: Geometry | null | undefined): [number, number, number, number] | null {
  if (!geometry) return null;
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
      return;
    }
    for (const x of c) visit(x);
  };
  const geometries = geometry.type === 'GeometryCollection' ? geometry.geometries : [geometry];
  for (const g of geometries) if (g.type !== 'GeometryCollection') visit(g.coordinates);
  return Number.isFinite(box[0]) ? box : null;
}
