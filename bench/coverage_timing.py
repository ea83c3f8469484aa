"""Benchmark: coverage of all 1,106 townships after a change of T, with the travel matrix cached.

Run: ``.venv/bin/python bench/coverage_timing.py``

Uses the active network (the estimated one unless an OSM network was built) and a temporary cache directory.
Printed, side by side in this process:

* the first :func:`routing.coverage.prepare` (matrix computed and written to the disk cache);
* ``prepare`` again with the in-process cache cleared (matrix read from disk) + ``evaluate`` — the page's cost
  when a new session moves the slider;
* ``evaluate`` alone for every T from 15 to 120 in steps of 5 (in-process cache): median and worst;

then the figures for the closing note: covered population share in the four focus prefectures at T = 30, 60
and 90 minutes, and the ten most left-out townships of Longyan at T = 60.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    """Run the timings and print the note figures."""
    os.environ.setdefault("XUNZHEN_CACHE_DIR", tempfile.mkdtemp(prefix="xunzhen-bench-"))
    from geo.network import active_network
    from routing import coverage as cov
    from routing import matrix as rm

    net = active_network()
    print(f"network: {net.label('en')} (kind={net.kind})")
    t0 = time.perf_counter()
    inputs = cov.prepare(net)
    t_first = time.perf_counter() - t0
    n_t, n_s = inputs.minutes.shape
    print(f"prepare, matrix computed ({n_t} townships × {n_s} sources): {t_first:.3f} s")

    rm.clear_memory_cache()
    t0 = time.perf_counter()
    inputs = cov.prepare(net)
    cov.evaluate(inputs, 45)
    t_disk = time.perf_counter() - t0
    print(f"prepare from the disk cache + evaluate(T=45): {t_disk:.3f} s  (target ≤ 0.5 s)")

    times = []
    for t in range(15, 125, 5):
        t0 = time.perf_counter()
        cov.evaluate(inputs, t)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"evaluate alone, T = 15…120 step 5 ({len(times)} runs): median {med * 1000:.1f} ms, "
        f"worst {max(times) * 1000:.1f} ms; first prepare / evaluate = {t_first / med:.0f}×"
    )

    est = " (estimated)" if inputs.estimated else ""
    print(f"\ncovered population share{est}, network kind = {inputs.network_kind}")
    print("prefecture   T=30    T=60    T=90")
    focus = ["龙岩市", "三明市", "宁德市", "南平市"]
    rows = {p: [] for p in focus}
    for t in (30, 60, 90):
        by = cov.evaluate(inputs, t).by_prefecture.set_index("prefecture_name")
        for p in focus:
            rows[p].append(by.loc[p, "covered_share"])
    for p in focus:
        print(f"{p}     " + "  ".join(f"{v:6.1%}" for v in rows[p]))

    ly = cov.evaluate(cov.prepare(net, prefecture="龙岩"), 60)
    print(f"\nten most left-out townships of Longyan at T = 60{est} (population × excess minutes):")
    for r in ly.left_out.head(10).itertuples():
        mins = "—" if r.minutes != r.minutes else f"{r.minutes:.0f} min"
        print(
            f"{r.rank:>3}. {r.county_name}{r.name} ({r.code}): {mins}, population≈{r.population_est:,.0f}, "
            f"nearest {r.nearest_source}, {r.reason_en}"
        )


if __name__ == "__main__":
    main()
