// A page's small map (change spots, patrols, cameras, incidents, the field app's spot): the one
// base map without rotation or attribution control, MapLibre loaded on first use. The page adds
// its sources and layers when the style has loaded.

import type { LngLatBoundsLike, Map as MlMap } from 'maplibre-gl';
import { baseStyle, tiandituKey } from './layers';

/**
 * Opens a small map in `container` around `center`; `onLoad` runs once the style is in.
 * Rejects where MapLibre cannot run (no WebGL): pages catch it and work without their map.
 */
export async function miniMap(
  container: HTMLElement,
  view: { center: [number, number]; zoom: number },
  onLoad: (m: MlMap) => void,
): Promise<MlMap> {
  const maplibre = await import('maplibre-gl');
  await import('maplibre-gl/dist/maplibre-gl.css');
  const m = new maplibre.Map({
    container,
    style: baseStyle(tiandituKey()),
    center: view.center,
    zoom: view.zoom,
    attributionControl: false,
    dragRotate: false,
  });
  m.on('load', () => onLoad(m));
  return m;
}

/**
 * The bounding box of coordinates nested at any depth: `[lon, lat]` pairs, GeoJSON geometries'
 * `coordinates`, or lists of them; `null` when there are none.
 */
export function boundsOf(...coordinates: unknown[]): LngLatBoundsLike | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]);
      minY = Math.min(minY, c[1]);
      maxX = Math.max(maxX, c[0]);
      maxY = Math.max(maxY, c[1]);
    } else if (Array.isArray(c)) {
      for (const d of c) visit(d);
    }
  };
  visit(coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}
