"""The programme year (千名医师下基层): named doctors, any month, rotation, targets, a ledger and the forms.

Rooms: ``register`` (the doctor register: read, validate, titles, months), ``needs`` (centers' specialty
needs file), ``solver`` (one month on arrays:
exact min-cost flow with lower bounds), ``year`` (the adapter: 12 monthly plans on working days),
``forms`` (附件1 / 附件2 per month, 年度计划.xlsx), ``progress`` (targets, burn-up, ledger, 附件2 import),
``__main__`` (``python -m routing.programme``).
"""

from routing.programme.register import Register, read_register, validate_register
from routing.programme.year import ProgrammeParams, ProgrammeYear, plan_year

__all__ = [
    "ProgrammeParams",
    "ProgrammeYear",
    "Register",
    "plan_year",
    "read_register",
    "validate_register",
]
