// Helpers the browser tests share for talking to the server directly (as a phone or a script
// would), and for finding room inside a grid's boundary.
import assert from 'node:assert/strict';

export const PASSWORD = 'Linzhang@2026';

/** Logs in over the API; answers the bearer token. */
export async function tokenOf(url, username, password = PASSWORD) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  return (await r.json()).token;
}

/** A caller of the API as `username`: `(method, path, body?) → parsed JSON`, failing on a non-2xx. */
export async function apiAs(url, username, password = PASSWORD) {
  const token = await tokenOf(url, username, password);
  return async (method, p, body) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${res.ok ? '' : await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
}

/** Whether (x, y) lies inside a ring (ray casting). */
function inRing([x, y], ring) {
  let odd = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
  }
  return odd;
}

/** A point of a (Multi)Polygon with a square of half-side `d` degrees around it inside too. */
export function roomInside(geometry, d = 0.0015) {
  const rings = geometry.type === 'Polygon' ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  const all = rings.flat();
  const xs = all.map((c) => c[0]);
  const ys = all.map((c) => c[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 20; j++) {
      const p = [minX + ((maxX - minX) * i) / 20, minY + ((maxY - minY) * j) / 20];
      const corners = [[p[0] - d, p[1] - d], [p[0] + d, p[1] - d], [p[0] + d, p[1] + d], [p[0] - d, p[1] + d]];
      if (corners.every((c) => rings.some((r) => inRing(c, r)))) return p;
    }
  }
  throw new Error('no room inside the boundary');
}
