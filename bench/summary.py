"""Markdown of the import timings (hyperfine JSON) and of the city statistics (wrk, pgbench)."""
import json
import re
import sys

imports, wrk_stats, pgbench = sys.argv[1:4]
results = json.load(open(imports))["results"]
peer = next(r for r in results if "ogr2ogr" in r["command"])
print("| task | linzhang | peer | ratio (peer / linzhang) |")
print("|---|---|---|---|")
for r in results:
    if r is peer:
        continue
    print(
        f"| import, {r['command']} | {r['mean']:.2f} s | ogr2ogr → PostGIS {peer['mean']:.2f} s | "
        f"{peer['mean'] / r['mean']:.2f}× |"
    )
text = open(wrk_stats).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
pg = open(pgbench).read()
pg_ms = float(re.search(r"latency average = ([\d.]+) ms", pg).group(1))
ours_ms = 1000.0 / rps
print(
    f"| city statistics by land class | {ours_ms:.2f} ms | PostGIS `SUM(ST_Area(geography))` {pg_ms:.2f} ms | "
    f"{pg_ms / ours_ms:.1f}× |"
)
