#!/usr/bin/env python3
"""Track ingestion load against a running linzhang server (docs/performance.md).

Two phases, over real HTTP with the rangers' bearer tokens:
1. Throughput: WORKERS clients post batches of BATCH points to their own patrols as fast as
   the server acknowledges them, for THROUGHPUT_S seconds. Reported: acknowledged points per
   second. Afterwards the patrols' stored point counts are read back and must equal what was
   acknowledged (an acknowledged point is a stored point).
2. Latency: RANGERS simulated phones, each posting the last 15 s of fixes (one a second) every
   15 s, spread evenly, for LATENCY_S seconds. Reported: requests per second, p50/p95/p99/max
   latency and errors.

    tracks.py BASE_URL USER[,USER…] PASSWORD
Env: RANGERS (1000), LATENCY_S (90), THROUGHPUT_S (30), WORKERS (8), BATCH (500).
Prints one JSON object.
"""
import asyncio
import json
import math
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import aiohttp

BASE, USERS, PASSWORD = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
RANGERS = int(os.environ.get("RANGERS", 1000))
LATENCY_S = float(os.environ.get("LATENCY_S", 90))
THROUGHPUT_S = float(os.environ.get("THROUGHPUT_S", 30))
WORKERS = int(os.environ.get("WORKERS", 8))
BATCH = int(os.environ.get("BATCH", 500))
INTERVAL = 15.0
# A walk near 东亭 (the rangers' grids); positions matter little to ingestion.
LON, LAT = 120.36, 31.60
T0 = datetime(2026, 9, 21, 1, 0, tzinfo=timezone.utc)


def fixes(n, start, lon, lat):
    out = []
    for i in range(n):
        lon += random.uniform(-1e-5, 1e-5)
        lat += 1e-5
        out.append({
            "id": str(uuid.uuid4()),
            "t": (start + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            "lon": lon, "lat": lat, "accuracy_m": 8.0, "speed_mps": 1.1,
        })
    return out, lon, lat


async def login(session, user):
    async with session.post(f"{BASE}/api/v1/auth/login", json={"username": user, "password": PASSWORD}) as r:
        r.raise_for_status()
        return (await r.json())["token"]


async def start_patrol(session, token):
    async with session.post(f"{BASE}/api/v1/patrols", json={"id": str(uuid.uuid4())},
                            headers={"Authorization": f"Bearer {token}"}) as r:
        r.raise_for_status()
        return (await r.json())["id"]


async def post_points(session, token, patrol, points):
    async with session.post(f"{BASE}/api/v1/patrols/{patrol}/points", json={"points": points},
                            headers={"Authorization": f"Bearer {token}"}) as r:
        body = await r.json()
        if r.status != 200:
            raise RuntimeError(f"HTTP {r.status}: {body}")
        return body["stored"]


async def throughput(session, tokens):
    patrols = [(tokens[i % len(tokens)], await start_patrol(session, tokens[i % len(tokens)])) for i in range(WORKERS)]
    acked = [0] * WORKERS
    deadline = time.monotonic() + THROUGHPUT_S

    async def worker(i):
        token, patrol = patrols[i]
        start, lon, lat = T0, LON, LAT
        while time.monotonic() < deadline:
            pts, lon, lat = fixes(BATCH, start, lon, lat)
            start += timedelta(seconds=BATCH)
            acked[i] += await post_points(session, token, patrol, pts)

    t = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(WORKERS)))
    elapsed = time.monotonic() - t
    stored = 0
    for token, patrol in patrols:
        async with session.get(f"{BASE}/api/v1/patrols/{patrol}", headers={"Authorization": f"Bearer {token}"}) as r:
            r.raise_for_status()
            body = await r.json()
            stored += body.get("patrol", body).get("point_count", 0)
    return {"acknowledged": sum(acked), "seconds": round(elapsed, 2),
            "points_per_s": round(sum(acked) / elapsed), "stored_read_back": stored}


async def latency(session, tokens):
    phones = []
    for i in range(RANGERS):
        token = tokens[i % len(tokens)]
        phones.append((token, await start_patrol(session, token)))
    samples, errors = [], 0
    begin = time.monotonic() + 1.0

    async def phone(i):
        nonlocal errors
        token, patrol = phones[i]
        start, lon, lat = T0, LON + i * 1e-4, LAT
        k = 0
        while True:
            due = begin + i * INTERVAL / RANGERS + k * INTERVAL
            if due - begin >= LATENCY_S:
                return
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            pts, lon, lat = fixes(int(INTERVAL), start, lon, lat)
            start += timedelta(seconds=INTERVAL)
            t = time.monotonic()
            try:
                await post_points(session, token, patrol, pts)
                samples.append(time.monotonic() - t)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors += 1
            k += 1

    await asyncio.gather(*(phone(i) for i in range(RANGERS)))
    samples.sort()

    def pct(p):
        return round(1000 * samples[min(len(samples) - 1, math.ceil(p / 100 * len(samples)) - 1)], 1)

    return {"rangers": RANGERS, "seconds": LATENCY_S, "requests": len(samples),
            "requests_per_s": round(len(samples) / LATENCY_S, 1), "errors": errors,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": round(1000 * samples[-1], 1)}


async def main():
    connector = aiohttp.TCPConnector(limit=RANGERS + WORKERS)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        tokens = [await login(session, u) for u in USERS]
        result = {"throughput": await throughput(session, tokens), "latency": await latency(session, tokens)}
    print(json.dumps(result))


asyncio.run(main())
