// Drawing on the map by clicking: a point, a polyline or a polygon. A click adds a vertex; a
// double click, `finish()` or Enter ends the shape; Escape or `cancel()` drops it. While nothing is
// being drawn, clicks go to `onIdleClick` (the map's feature picking).
import { ref } from 'vue';
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { EMPTY, addOverlay, setOverlay } from './layers';
import type { LngLat } from './geodesy';

export type DrawKind = 'point' | 'line' | 'polygon';

export interface DrawOptions {
  kind: DrawKind;
  /** The shape so far, with the mouse position as its last vertex. */
  onChange?: (points: LngLat[]) => void;
  onFinish: (points: LngLat[]) => void;
  onCancel?: () => void;
}

const SKETCH = 'lz-sketch';
const MIN_POINTS: Record<DrawKind, number> = { point: 1, line: 2, polygon: 3 };
/** Clicks closer than this to the last vertex (in pixels) add nothing: the second click of a double click. */
const SAME_VERTEX_PX = 4;

export class DrawController {
  /** What is being drawn now, for the UI. */
  readonly active = ref<DrawKind | null>(null);
  /** Vertices placed so far, for the UI (a finish button needs enough of them). */
  readonly count = ref(0);

  private points: LngLat[] = [];
  private cursor: LngLat | null = null;
  private opts: DrawOptions | null = null;

  constructor(
    private readonly map: MlMap,
    private readonly onIdleClick: (e: MapMouseEvent) => void,
  ) {
    addOverlay(map, SKETCH, { color: '#ff6d00', fillOpacity: 0.12, width: 2, dash: [2, 1] });
    map.on('click', this.handleClick);
    map.on('dblclick', this.handleDblClick);
    map.on('mousemove', this.handleMove);
    window.addEventListener('keydown', this.handleKey);
  }

  start(opts: DrawOptions): void {
    this.cancel();
    this.opts = opts;
    this.points = [];
    this.cursor = null;
    this.active.value = opts.kind;
    this.count.value = 0;
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = 'crosshair';
    this.render();
  }

  /** Ends the shape; false when it has too few vertices yet. */
  finish(): boolean {
    const opts = this.opts;
    if (!opts || this.points.length < MIN_POINTS[opts.kind]) return false;
    const points = this.points;
    this.stop();
    opts.onFinish(points);
    return true;
  }

  cancel(): void {
    const opts = this.opts;
    this.stop();
    opts?.onCancel?.();
  }

  destroy(): void {
    this.stop();
    this.map.off('click', this.handleClick);
    this.map.off('dblclick', this.handleDblClick);
    this.map.off('mousemove', this.handleMove);
    window.removeEventListener('keydown', this.handleKey);
  }

  private stop(): void {
    if (!this.opts) return;
    this.opts = null;
    this.points = [];
    this.cursor = null;
    this.active.value = null;
    this.count.value = 0;
    this.map.getCanvas().style.cursor = '';
    setOverlay(this.map, SKETCH, EMPTY);
    // Let the double click that ended the shape pass before zooming on double clicks again.
    setTimeout(() => {
      if (!this.opts) this.map.doubleClickZoom.enable();
    }, 350);
  }

  private handleClick = (e: MapMouseEvent): void => {
    if (!this.opts) {
      this.onIdleClick(e);
      return;
    }
    const p: LngLat = [e.lngLat.lng, e.lngLat.lat];
    const last = this.points[this.points.length - 1];
    if (last) {
      const a = this.map.project(last);
      if (Math.hypot(a.x - e.point.x, a.y - e.point.y) < SAME_VERTEX_PX) return;
    }
    this.points.push(p);
    this.count.value = this.points.length;
    if (this.opts.kind === 'point') {
      this.finish();
      return;
    }
    this.render();
  };

  private handleDblClick = (e: MapMouseEvent): void => {
    if (!this.opts) return;
    e.preventDefault();
    this.finish();
  };

  private handleMove = (e: MapMouseEvent): void => {
    if (!this.opts) return;
    this.cursor = [e.lngLat.lng, e.lngLat.lat];
    this.render();
  };

  private handleKey = (e: KeyboardEvent): void => {
    if (!this.opts) return;
    if (e.key === 'Escape') this.cancel();
    else if (e.key === 'Enter') this.finish();
  };

  private render(): void {
    const shape = this.cursor ? [...this.points, this.cursor] : [...this.points];
    const features: Feature[] = this.points.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (this.opts?.kind === 'polygon' && shape.length >= 3) {
      features.unshift({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...shape, shape[0]!]] } });
    } else if (shape.length >= 2) {
      features.unshift({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: shape } });
    }
    const fc: FeatureCollection = { type: 'FeatureCollection', features };
    setOverlay(this.map, SKETCH, fc);
    if (this.opts && this.points.length > 0) this.opts.onChange?.(shape);
  }
}
