// How the one map draws the platform's layers: one vector tile source per layer (its TileJSON),
// MapLibre style layers for polygons, lines and points, colours by a coded attribute, and the
// overlays (grid outlines, query region, measurement, sketch). No symbol layers: the map needs
// no glyphs, so nothing is fetched from outside the platform.
import type {
  ExpressionSpecification,
  FilterSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MlMap,
  RasterTileSource,
  StyleSpecification,
  VectorTileSource,
} from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { api } from '../api';
import type { CodeEntry, FieldSpec, LayerView, SceneView } from '../api/types';

/** What the user set for one layer in the layer panel. */
export interface LayerState {
  key: string;
  spec: LayerView;
  visible: boolean;
  /** 0–1. */
  opacity: number;
  year: number | null;
  /** A coded field whose values colour the features, or '' for the layer's own colour. */
  colorBy: string;
}

/** One value of a coded field with its colour. */
export interface PaletteEntry {
  code: string;
  color: string;
  entry: CodeEntry;
}

export const MAP_BACKGROUND = '#eef2ee';

/** The colour of a layer drawn in one colour. */
const LAYER_COLORS: Record<string, string> = {
  subcompartment: '#2e7d32',
  public_welfare_forest: '#43a047',
  wetland: '#0288d1',
  nature_reserve: '#8e24aa',
  forest_right: '#f4511e',
  afforestation: '#9e9d24',
  ancient_tree: '#6d4c41',
  fire_facility: '#e53935',
  road: '#757575',
  water: '#4fc3f7',
  place_name: '#455a64',
};

export function layerColor(key: string): string {
  return LAYER_COLORS[key] ?? '#607d8b';
}

/** The groups of the layer panel, and which layer goes where (unknown keys: `other`). */
export const LAYER_GROUPS = ['forest', 'protection', 'fire', 'base', 'other'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];
const GROUP_OF: Record<string, LayerGroup> = {
  subcompartment: 'forest',
  public_welfare_forest: 'forest',
  forest_right: 'forest',
  afforestation: 'forest',
  nature_reserve: 'protection',
  wetland: 'protection',
  ancient_tree: 'protection',
  fire_facility: 'fire',
  road: 'base',
  water: 'base',
  place_name: 'base',
};

export function layerGroup(key: string): LayerGroup {
  return GROUP_OF[key] ?? 'other';
}

/** The coded fields a sub-compartment is usually coloured by, in this order. */
const PREFERRED_COLOR_FIELDS: Record<string, string[]> = {
  subcompartment: ['di_lei', 'sen_lin_lb', 'bh_dj', 'ling_zu', 'qi_yuan', 'lin_zhong', 'ld_qs'],
};

/** The statistics dimension (`/stats`) that counts a field's values. */
export const DIMENSION_OF_FIELD: Record<string, string> = {
  di_lei: 'land_class',
  sen_lin_lb: 'forest_category',
  bh_dj: 'protection_grade',
  ld_qs: 'ownership',
  lin_zhong: 'forest_type',
  qi_yuan: 'origin',
  ling_zu: 'age_group',
  you_shi_sz: 'dominant_species',
};

export function codeTableOf(field: FieldSpec | undefined): string | null {
  return field && field.kind.type === 'code' ? field.kind.table : null;
}

/** The fields a layer can be coloured by: its coded fields (a sub-compartment's usual ones). */
export function colorFields(spec: LayerView): FieldSpec[] {
  const coded = spec.fields.filter((f) => f.kind.type === 'code');
  const preferred = PREFERRED_COLOR_FIELDS[spec.key];
  if (!preferred) return coded;
  return preferred.map((n) => coded.find((f) => f.name === n)).filter((f): f is FieldSpec => !!f);
}

export function defaultColorBy(spec: LayerView): string {
  return spec.key === 'subcompartment' && spec.fields.some((f) => f.name === 'di_lei') ? 'di_lei' : '';
}

// Colours of known code tables: land classes as forest maps draw them (forest land in greens,
// land to afforest in yellows, non-forest land in greys and blue), grades from red (strictest)
// to green, age groups from light to dark green.
const TABLE_COLORS: Record<string, Record<string, string>> = {
  di_lei: {
    '0111': '#1b7f3b',
    '0112': '#00897b',
    '0113': '#7cb342',
    '0120': '#a5d6a7',
    '0131': '#558b2f',
    '0132': '#9ccc65',
    '0141': '#c5e1a5',
    '0142': '#dce775',
    '0150': '#ffb74d',
    '0161': '#a1887f',
    '0162': '#e57373',
    '0163': '#bcaaa4',
    '0171': '#fff176',
    '0172': '#ffe082',
    '0173': '#ffd54f',
    '0180': '#90a4ae',
    '0210': '#f0e68c',
    '0220': '#c0ca33',
    '0230': '#64b5f6',
    '0240': '#e0e0e0',
    '0251': '#9e9e9e',
    '0252': '#bdbdbd',
    '0253': '#757575',
    '0254': '#cfd8dc',
  },
  sen_lin_lb: { '11': '#1b5e20', '12': '#66bb6a', '21': '#fb8c00', '22': '#ffe082' },
  bh_dj: { '1': '#c62828', '2': '#ef6c00', '3': '#fbc02d', '4': '#9ccc65' },
  ling_zu: { '1': '#dcedc8', '2': '#aed581', '3': '#7cb342', '4': '#558b2f', '5': '#33691e' },
  qi_yuan: { '11': '#1b5e20', '12': '#388e3c', '13': '#66bb6a', '21': '#ef6c00', '22': '#ffa726', '23': '#ffcc80', '24': '#8d6e63' },
  ld_qs: { '1': '#d84315', '2': '#1e88e5' },
  ancient_tree_grade: { '1': '#b71c1c', '2': '#ef6c00', '3': '#fbc02d', '9': '#6a1b9a' },
};

/** A categorical palette for other tables (ColorBrewer Set1/Dark2, readable on the light map). */
const CATEGORICAL = [
  '#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#1f78b4',
  '#b2df8a', '#fb9a99', '#fdbf6f', '#cab2d6', '#6a3d9a', '#b15928', '#8dd3c7', '#bebada',
  '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5', '#bc80bd', '#ccebc5', '#ffed6f',
];

export const OTHER_COLOR = '#b0bec5';

/** The colour of one value of a coded field (the map's colour, so charts and map agree). */
export function valueColor(table: string | null, code: string, index: number): string {
  return (table ? TABLE_COLORS[table]?.[code] : undefined) ?? CATEGORICAL[index % CATEGORICAL.length]!;
}

/** The field a statistics dimension counts (`land_class` → `di_lei`). */
export function fieldOfDimension(dimension: string): string | null {
  return Object.entries(DIMENSION_OF_FIELD).find(([, d]) => d === dimension)?.[0] ?? null;
}

export function palette(table: string, entries: CodeEntry[]): PaletteEntry[] {
  const known = TABLE_COLORS[table] ?? {};
  return entries.map((entry, i) => ({
    code: entry.code,
    entry,
    color: known[entry.code] ?? valueColor(null, entry.code, i),
  }));
}

const tables = new Map<string, Promise<CodeEntry[]>>();

/** The entries of a code table, asked once per page load. */
export function codeEntries(table: string): Promise<CodeEntry[]> {
  let hit = tables.get(table);
  if (!hit) {
    hit = api.codeTable(table).then((t) => t.entries);
    tables.set(table, hit);
    hit.catch(() => tables.delete(table));
  }
  return hit;
}

/** The colour of each feature: by its value of `field`, or the layer's colour. */
export function colorExpression(key: string, field: string, pal: PaletteEntry[]): ExpressionSpecification | string {
  if (!field || pal.length === 0) return layerColor(key);
  const pairs = pal.flatMap((p) => [p.code, p.color]);
  return ['match', ['to-string', ['get', field]], ...pairs, OTHER_COLOR] as unknown as ExpressionSpecification;
}

export const sourceId = (prefix: string, key: string) => `${prefix}src-${key}`;

/** The key of the layer a rendered feature comes from, or null for overlays. */
export function keyOfSource(prefix: string, source: string): string | null {
  const p = `${prefix}src-`;
  return source.startsWith(p) ? source.slice(p.length) : null;
}

/** The style layers of one data layer. `main` is the one a click hits. */
export function styleLayerIds(prefix: string, spec: LayerView) {
  const base = `${prefix}${spec.key}`;
  const main = spec.geometry === 'polygon' ? `${base}-fill` : spec.geometry === 'line' ? `${base}-line` : `${base}-circle`;
  const all = spec.geometry === 'polygon' ? [`${base}-fill`, `${base}-line`] : [main];
  return { main, all, hits: `${base}-hits`, selected: `${base}-selected` };
}

const NONE: FilterSpecification = ['in', ['get', 'fid'], ['literal', []]];

/**
 * How strongly polygons of a layer are filled: sub-compartments cover the land; wetlands are
 * water; other zones (reserves, public-welfare forest…) are mostly outlines over the forest.
 */
const FILL_STRENGTH: Record<string, number> = { subcompartment: 0.78, wetland: 0.45, water: 0.6 };
const fillStrength = (key: string) => FILL_STRENGTH[key] ?? 0.15;

/** Adds the source and style layers of one data layer (tiles of `state.year`). */
export function addDataLayer(map: MlMap, state: LayerState, prefix: string, pal: PaletteEntry[], beforeId?: string): void {
  const src = sourceId(prefix, state.key);
  if (!map.getSource(src)) {
    map.addSource(src, { type: 'vector', url: api.tileJsonUrl(state.key, state.year ?? undefined) });
  }
  const ids = styleLayerIds(prefix, state.spec);
  const color = colorExpression(state.key, state.colorBy, pal);
  const sourceLayer = state.key;
  const layers: LayerSpecification[] = [];
  if (state.spec.geometry === 'polygon') {
    layers.push(
      {
        id: ids.main,
        type: 'fill',
        source: src,
        'source-layer': sourceLayer,
        paint: { 'fill-color': color, 'fill-opacity': state.opacity * fillStrength(state.key) },
      },
      {
        id: `${prefix}${state.key}-line`,
        type: 'line',
        source: src,
        'source-layer': sourceLayer,
        paint:
          state.key === 'subcompartment'
            ? {
                'line-color': '#ffffff',
                'line-opacity': state.opacity * 0.8,
                'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.1, 13, 0.6, 17, 1.4],
              }
            : { 'line-color': color, 'line-opacity': state.opacity, 'line-width': 2 },
      },
    );
  } else if (state.spec.geometry === 'line') {
    layers.push({
      id: ids.main,
      type: 'line',
      source: src,
      'source-layer': sourceLayer,
      paint: { 'line-color': color, 'line-opacity': state.opacity, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 16, 3] },
    });
  } else {
    layers.push({
      id: ids.main,
      type: 'circle',
      source: src,
      'source-layer': sourceLayer,
      paint: {
        'circle-color': color,
        'circle-opacity': state.opacity,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 3, 14, 6, 18, 9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
        'circle-stroke-opacity': state.opacity,
      },
    });
  }
  // Query hits and the selected feature, drawn over the layer.
  if (state.spec.geometry === 'point') {
    layers.push(
      {
        id: ids.hits,
        type: 'circle',
        source: src,
        'source-layer': sourceLayer,
        filter: NONE,
        paint: { 'circle-radius': 8, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#ff9800', 'circle-stroke-width': 3 },
      },
      {
        id: ids.selected,
        type: 'circle',
        source: src,
        'source-layer': sourceLayer,
        filter: NONE,
        paint: { 'circle-radius': 10, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#d50000', 'circle-stroke-width': 3 },
      },
    );
  } else {
    layers.push(
      {
        id: ids.hits,
        type: 'line',
        source: src,
        'source-layer': sourceLayer,
        filter: NONE,
        paint: { 'line-color': '#ff9800', 'line-width': 2.5 },
      },
      {
        id: ids.selected,
        type: 'line',
        source: src,
        'source-layer': sourceLayer,
        filter: NONE,
        paint: { 'line-color': '#d50000', 'line-width': 3.5 },
      },
    );
  }
  for (const l of layers) {
    if (!map.getLayer(l.id)) map.addLayer(l, beforeId);
  }
  applyVisibility(map, state, prefix);
}

function applyVisibility(map: MlMap, state: LayerState, prefix: string): void {
  const ids = styleLayerIds(prefix, state.spec);
  for (const id of [...ids.all, ids.hits, ids.selected]) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', state.visible ? 'visible' : 'none');
  }
}

/** Brings the style in line with the layer panel: visibility, opacity and colours. */
export function applyLayerState(map: MlMap, state: LayerState, prefix: string, pal: PaletteEntry[]): void {
  const ids = styleLayerIds(prefix, state.spec);
  if (!map.getLayer(ids.main)) return;
  applyVisibility(map, state, prefix);
  const color = colorExpression(state.key, state.colorBy, pal);
  if (state.spec.geometry === 'polygon') {
    map.setPaintProperty(ids.main, 'fill-color', color);
    map.setPaintProperty(ids.main, 'fill-opacity', state.opacity * fillStrength(state.key));
    const line = `${prefix}${state.key}-line`;
    if (state.key === 'subcompartment') map.setPaintProperty(line, 'line-opacity', state.opacity * 0.8);
    else {
      map.setPaintProperty(line, 'line-color', color);
      map.setPaintProperty(line, 'line-opacity', state.opacity);
    }
  } else if (state.spec.geometry === 'line') {
    map.setPaintProperty(ids.main, 'line-color', color);
    map.setPaintProperty(ids.main, 'line-opacity', state.opacity);
  } else {
    map.setPaintProperty(ids.main, 'circle-color', color);
    map.setPaintProperty(ids.main, 'circle-opacity', state.opacity);
    map.setPaintProperty(ids.main, 'circle-stroke-opacity', state.opacity);
  }
}

/** Points the layer's source at another survey year. */
export function setLayerYear(map: MlMap, key: string, year: number | null, prefix: string): void {
  const src = map.getSource(sourceId(prefix, key)) as VectorTileSource | undefined;
  src?.setUrl(api.tileJsonUrl(key, year ?? undefined));
}

/** Marks features (by `fid`) of a layer as query hits or as the selected one. */
export function setMarked(map: MlMap, prefix: string, spec: LayerView, which: 'hits' | 'selected', ids: string[]): void {
  const id = styleLayerIds(prefix, spec)[which];
  if (map.getLayer(id)) map.setFilter(id, ['in', ['get', 'fid'], ['literal', ids]]);
}

/** An empty style: the background only (no glyphs, no sprites, nothing from outside). */
export function baseStyle(tiandituKey: string | null): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': MAP_BACKGROUND } }],
  };
  if (tiandituKey) {
    // 天地图 imagery (WMTS, Web Mercator); only when a key is configured.
    const tiles = [0, 1, 2, 3, 4, 5, 6, 7].map(
      (n) =>
        `https://t${n}.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img&STYLE=default` +
        `&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(tiandituKey)}`,
    );
    style.sources.tianditu = { type: 'raster', tiles, tileSize: 256, maxzoom: 18, attribution: '天地图' };
    style.layers.push({ id: 'tianditu', type: 'raster', source: 'tianditu' });
  }
  return style;
}

/** The 天地图 key, when one is configured (at build time, or in this browser's settings). */
export function tiandituKey(): string | null {
  const built = import.meta.env.VITE_TIANDITU_KEY as string | undefined;
  if (built) return built;
  try {
    return localStorage.getItem('lz_tianditu_key') || null;
  } catch {
    return null;
  }
}

export const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * A GeoJSON overlay of the map (grid outlines, the query region, a measurement, a sketch): one
 * source with a fill, a line and a point layer.
 */
export function addOverlay(
  map: MlMap,
  id: string,
  opts: { color: string; fillOpacity?: number; width?: number; dash?: number[]; beforeId?: string },
): void {
  if (map.getSource(id)) return;
  map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer(
    {
      id: `${id}-fill`,
      type: 'fill',
      source: id,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': opts.color, 'fill-opacity': opts.fillOpacity ?? 0 },
    },
    opts.beforeId,
  );
  map.addLayer(
    {
      id: `${id}-line`,
      type: 'line',
      source: id,
      filter: ['!=', ['geometry-type'], 'Point'],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': opts.color, 'line-width': opts.width ?? 2, ...(opts.dash ? { 'line-dasharray': opts.dash } : {}) },
    },
    opts.beforeId,
  );
  map.addLayer(
    {
      id: `${id}-point`,
      type: 'circle',
      source: id,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': opts.color, 'circle-stroke-width': 2 },
    },
    opts.beforeId,
  );
}

export function setOverlay(map: MlMap, id: string, data: FeatureCollection): void {
  (map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
}

/** How a scene is drawn: 真彩色 (red, green, blue), 假彩色 (NIR, red, green) or NDVI. */
export type ImageryMode = 'true' | 'false' | 'ndvi';
export const IMAGERY_MODES: ImageryMode[] = ['true', 'false', 'ndvi'];

/** What the user set for one imagery scene in the layer panel. */
export interface ImageryState {
  id: string;
  scene: SceneView;
  visible: boolean;
  /** 0–1. */
  opacity: number;
  mode: ImageryMode;
}

export const imageryLayerId = (prefix: string, id: string) => `${prefix}img-${id}`;

/** A scene's footprint, `[west, south, east, north]` in degrees. */
export function sceneBounds(scene: SceneView): [number, number, number, number] {
  const [w = -180, s = -85, e = 180, n = 85] = scene.bounds;
  return [w, s, e, n];
}

/**
 * Where raster imagery goes in a style: above the background (and 天地图), below every vector
 * layer and overlay.
 */
export function imageryBeforeId(map: MlMap, prefix: string): string | undefined {
  const ids = map.getStyle().layers.map((l) => l.id);
  return ids.find((id) => id !== 'background' && id !== 'tianditu' && !id.startsWith(`${prefix}img-`));
}

/** Adds a scene as a raster source and layer (tiles only within its footprint). */
export function addImageryLayer(map: MlMap, state: ImageryState, prefix: string, beforeId?: string): void {
  const id = imageryLayerId(prefix, state.id);
  if (!map.getSource(id)) {
    const [w, s, e, n] = sceneBounds(state.scene);
    map.addSource(id, {
      type: 'raster',
      tiles: [api.imageryTileUrl(state.id, state.mode)],
      tileSize: 256,
      bounds: [w, s, e, n],
      maxzoom: 19,
    });
  }
  if (!map.getLayer(id)) {
    map.addLayer(
      {
        id,
        type: 'raster',
        source: id,
        layout: { visibility: state.visible ? 'visible' : 'none' },
        paint: { 'raster-opacity': state.opacity, 'raster-fade-duration': 0 },
      },
      beforeId ?? imageryBeforeId(map, prefix),
    );
  }
}

export function removeImageryLayer(map: MlMap, prefix: string, sceneId: string): void {
  const id = imageryLayerId(prefix, sceneId);
  if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(id)) map.removeSource(id);
}

/** Brings a scene's layer in line with the panel: visibility, opacity and mode. */
export function applyImageryState(map: MlMap, state: ImageryState, prefix: string): void {
  const id = imageryLayerId(prefix, state.id);
  if (!map.getLayer(id)) return;
  map.setLayoutProperty(id, 'visibility', state.visible ? 'visible' : 'none');
  map.setPaintProperty(id, 'raster-opacity', state.opacity);
  const src = map.getSource(id) as RasterTileSource | undefined;
  const url = api.imageryTileUrl(state.id, state.mode);
  if (src && src.tiles?.[0] !== url) src.setTiles([url]);
}
