"""One month of a pairing, ready to show and hand out: roster, calendar, 附件1/附件2 tables and the workbook.

The pairing page and ``python -m routing.pairing --month`` both call :func:`pairing_month`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from routing.calendar import CalendarOverrides
from routing.pairing.forms import annex1_table, annex2_table, write_plan_xlsx
from routing.pairing.plan import PairingPlan
from routing.pairing.roster import RosterParams, calendar_table, make_roster

__all__ = ["PairingMonth", "pairing_month"]


@dataclass(frozen=True)
class PairingMonth:
    """A month of a pairing: ``roster`` (one row per visit), ``calendar`` (center × day), ``annex1``,
    ``annex2`` (form tables) and ``xlsx`` (the planner's workbook: 结对, 排班, 日历, 附件1, 附件2, 说明)."""

    month: str
    roster: pd.DataFrame
    calendar: pd.DataFrame
    annex1: pd.DataFrame
    annex2: pd.DataFrame
    xlsx: bytes


def pairing_month(
    plan: PairingPlan,
    month: str,
    *,
    max_days_per_doctor: int = 4,
    overrides: CalendarOverrides | None = None,
) -> PairingMonth:
    """Roster the plan's pairs over ``month``'s working days and build the forms and the workbook.

    Raises
    ------
    InputValidationError
        A bad month, or more visits than the doctors may work.
    """
    roster = make_roster(
        plan.pairs, month, params=RosterParams(max_days_per_doctor=max_days_per_doctor), overrides=overrides
    )
    calendar = calendar_table(roster, month, overrides=overrides)
    notes = [f"{plan.scope.label} · {plan.network_label}", *plan.notes, plan.result.solver]
    xlsx = write_plan_xlsx(
        None,
        pairs=plan.pairs,
        roster=roster,
        centers=plan.centers,
        calendar=calendar,
        estimated=plan.estimated,
        notes=notes,
    )
    return PairingMonth(
        month,
        roster,
        calendar,
        annex1_table(roster, estimated=plan.estimated),
        annex2_table(roster, plan.centers),
        xlsx,
    )
