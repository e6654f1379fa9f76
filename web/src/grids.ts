// Grid details are asked for by the tree (children) and by the detail panel; share the answers
// for a short while so that clicking a node does not fetch it twice. The grid tree and the grid
// select load their nodes the same way, through `loadGridNodes`.
import type { LoadFunction } from 'element-plus';
import { api } from './api';
import { showError } from './api/errors';
import type { GridDetail, GridSummary } from './api/types';

const TTL_MS = 30_000;
const cache = new Map<string, { at: number; value: Promise<GridDetail> }>();

export function loadGrid(code: string, fresh = false): Promise<GridDetail> {
  const hit = cache.get(code);
  if (!fresh && hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = api.grid(code);
  cache.set(code, { at: Date.now(), value });
  value.catch(() => cache.delete(code));
  return value;
}

export function forgetGrid(code: string): void {
  cache.delete(code);
}

/** A node of a lazy grid tree (el-tree, el-tree-select). */
export type GridNode = Parameters<LoadFunction>[0];

/** How el-tree / el-tree-select read a grid: by its name, a leaf when it has no children. */
export const gridTreeProps = {
  label: 'name',
  isLeaf: (data: unknown) => (data as GridSummary).child_count === 0,
};

/**
 * The `load` of a lazy grid tree: the user's scope roots at the top, then each grid's children.
 * `loaded` sees every answer once the tree has it. A failure is shown and the node stops loading.
 */
export function loadGridNodes(loaded?: (node: GridNode, grids: GridSummary[]) => void): LoadFunction {
  return (node, resolve, stop) => {
    const answer =
      node.level === 0 ? api.rootGrids() : loadGrid((node.data as GridSummary).code).then((d) => d.children);
    answer
      .then((grids) => {
        resolve(grids);
        loaded?.(node, grids);
      })
      .catch((e: unknown) => {
        showError(e);
        stop();
      });
  };
}
