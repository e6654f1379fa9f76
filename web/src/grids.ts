// Grid details are asked for by the tree (children) and by the detail panel; share the answers
// for a short while so that clicking a node does not fetch it twice.
import { api } from './api';
import type { GridDetail } from './api/types';

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
