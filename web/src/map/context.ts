// What the one map page shares with its panels (provide/inject): the MapLibre map, the drawing
// tool, the layer panel's state and the actions panels ask of the map.
import type { InjectionKey, ShallowRef } from 'vue';
import { inject } from 'vue';
import type { Map as MlMap } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { LayerView } from '../api/types';
import type { DrawController } from './draw';
import type { ImageryState, LayerState, PaletteEntry } from './layers';

export interface CompareState {
  enabled: boolean;
  /** What is compared: a layer in another survey year, or two imagery scenes. */
  kind: 'layer' | 'imagery';
  /** The layer and survey year drawn right of the divider. */
  layer: string;
  year: number | null;
  /** Imagery: the scene shown left of the divider (before) and right of it (after). */
  before: string;
  after: string;
  /** Where the divider is, 0–1 of the map's width. */
  position: number;
}

export interface MapContext {
  map: ShallowRef<MlMap | null>;
  draw: ShallowRef<DrawController | null>;
  /** Layers with data, in drawing order (polygons, lines, points). */
  layers: LayerState[];
  /** Colours of each layer's `colorBy` field (by layer key). */
  palettes: Record<string, PaletteEntry[]>;
  /** The grid outlines drawn on the map (the user's grid and its children). */
  grids: ShallowRef<FeatureCollection>;
  compare: CompareState;
  /** Registered imagery scenes, newest first. */
  imagery: ImageryState[];
  layer(key: string): LayerState | undefined;
  /** Moves the map to a scene's footprint. */
  zoomToScene(id: string): void;
  spec(key: string): LayerView | undefined;
  /** Opens the feature panel; `fit` also moves the map to the feature. */
  showFeature(layer: string, id: string, fit?: boolean): void;
  /** Marks a query's features on the map (null: none). */
  setHits(layer: string | null, ids: string[]): void;
  /** The query region on the map. */
  setRegion(data: FeatureCollection | null): void;
  /** Outlines a grid and moves the map to it (null: clears the outline). */
  focusGrid(code: string | null): Promise<void>;
}

export const MAP_CONTEXT: InjectionKey<MapContext> = Symbol('map-context');

export function useMapContext(): MapContext {
  const ctx = inject(MAP_CONTEXT);
  if (!ctx) throw new Error('useMapContext outside the map page');
  return ctx;
}
