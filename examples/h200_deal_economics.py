"""The H200 deal in money, power and tokens: the approved fleet, what changes with the chip
price and the cost of capital, and the Ascend fleet that would make the same tokens.

Run: python examples/h200_deal_economics.py
"""

from __future__ import annotations

import chipmodel


def main() -> None:
    fleet = chipmodel.Fleet([{"chip": "h200-sxm", "count": 400_000, "site": "cn", "owner": "ByteDance, Alibaba, Tencent"}])
    base = fleet.tco(workload="llama-3.1-70b")
    print(base)
    t = base.total
    print(f"  vendor keeps ${t['vendor_revenue_usd'] / 1e9:.2f}B, the US tariff takes ${t['us_tariff_usd'] / 1e9:.2f}B")

    print("\n$/GPU-hour at other prices and costs of capital:")
    for price in (20_000, 27_000, 33_000):
        row = []
        for wacc in (0.035, 0.07, 0.12):
            a = chipmodel.Assumptions({"price.h200-sxm": price, "wacc": wacc})
            row.append(f"{fleet.tco(a).total['usd_per_gpu_hour']:.2f}")
        print(f"  ${price:,}/chip: " + "  ".join(f"wacc {w:.1%} → ${v}" for w, v in zip((0.035, 0.07, 0.12), row, strict=True)))

    n, ascend = chipmodel.equivalent_fleet(fleet, "ascend-910c", workload="llama-3.1-70b")
    at = ascend.total
    print(f"\nThe same tokens on Ascend 910C: {n:,.0f} chips, {at['facility_mw']:,.0f} MW, "
          f"${at['usd_per_million_tokens']:.3f} per million tokens (H200: ${t['usd_per_million_tokens']:.3f})")
    print("Assumptions without a source [A]:", ", ".join(base.unsourced_assumptions))


if __name__ == "__main__":
    main()
