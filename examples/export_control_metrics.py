"""Every chip's TPP and performance density against the October 2023 3A090 lines.

Run: python examples/export_control_metrics.py
(For the full classification — every rule version, destination and date — see chipmodel.classify;
this only places each chip against the 4,800 TPP and 5.92 performance-density lines.)
"""

from __future__ import annotations

import chipmodel


def main() -> None:
    print(f"{'chip':<14} {'TPP':>7} {'PD':>6}  vs 3A090.a (TPP >= 4800, or TPP >= 1600 and PD >= 5.92)")
    for c in sorted(chipmodel.chips(), key=lambda c: c.tpp):
        pd = c.performance_density
        over = c.tpp >= 4800 or (c.tpp >= 1600 and pd is not None and pd >= 5.92)
        pd_text = f"{pd:6.2f}" if pd is not None else "     -"
        print(f"{c.id:<14} {c.tpp:7.0f} {pd_text}  {'at or over a line' if over else 'under both lines'}")


if __name__ == "__main__":
    main()
