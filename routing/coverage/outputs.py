"""Coverage results ready for exports: header notes (network, estimates) and the XLSX sheets."""

from __future__ import annotations

import pandas as pd

from routing.coverage.plan import CoverageResult

__all__ = ["coverage_sheets", "export_notes"]


def export_notes(result: CoverageResult) -> list[str]:
    """Header lines for exports: network, estimated labels, threshold, population caveat."""
    s = result.summary
    lines = [
        f"覆盖分析 coverage — {s['scope']}, T = {s['threshold_minutes']:g} min",
        f"路网 network: {s['network_label']}",
    ]
    if s["estimated"]:
        lines.append(
            "所有时间均为估算值（直线距离×绕行系数，非道路实测）/ every time is ESTIMATED, not road-routed"
        )
    lines.append("人口为估算值（县人口按村点数分配到乡镇）/ township population is estimated")
    lines.append("医院位置为近似（县城/街道驻地）/ hospital locations are approximate (seat points)")
    return lines


def coverage_sheets(result: CoverageResult) -> dict[str, pd.DataFrame]:
    """Sheets for the XLSX export: townships, left out, counties, prefectures (Chinese sheet names)."""
    return {
        "乡镇 townships": result.townships,
        "未覆盖 left out": result.left_out,
        "县区 counties": result.by_county,
        "地市 prefectures": result.by_prefecture,
    }
