"""The seed question, computed: what does the H200 buy over the H100?

Run: python examples/h200_vs_h100.py
"""

from __future__ import annotations

import chipmodel


def main() -> None:
    cmp = chipmodel.compare("h200", "h100")
    print(cmp)
    bandwidth = cmp.ratio("memory_bandwidth_bytes_per_s")
    capacity = cmp.ratio("memory_capacity_bytes")
    assert bandwidth is not None and capacity is not None
    print(f"memory bandwidth: {bandwidth:.2f}x (4.8 vs 3.35 TB/s)")
    print(f"memory capacity:  {capacity:.2f}x (141 vs 80 GB) -- the article's '1.75x'")
    h200 = chipmodel.chip("h200")
    for field in ("memory_capacity", "memory_bandwidth"):
        p = h200.provenance(field)
        src = h200.sources[p["source"]]
        print(f"{field}: {p['as_written']} from {src['title']} ({src['url']})")


if __name__ == "__main__":
    main()
