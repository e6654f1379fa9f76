"""One markdown row from two wrk outputs (ours, the peer's): requests/s, ratio, p50/p99."""
import re
import sys


def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = int(bad.group(1)) if bad else 0
    return rps, lat, errors


zoom, count, ours, peer = sys.argv[1:5]
a, b = parse(ours), parse(peer)
note = ""
if a[2] or b[2]:
    note = f" (non-2xx: linzhang {a[2]}, Martin {b[2]})"
print(
    f"| z{zoom} | {count} | {a[0]:.0f} | {b[0]:.0f} | {a[0] / b[0]:.2f}× | "
    f"{a[1].get('50', 0):.1f} / {a[1].get('99', 0):.1f} | {b[1].get('50', 0):.1f} / {b[1].get('99', 0):.1f} |{note}"
)
