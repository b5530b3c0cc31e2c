"""The service layer: the one place outside the worker that talks to Temporal about cases.

Entry points (the command line, the mail gateway, the web workbench) translate a request into a typed command
and call `CaseService`; they never send a workflow update themselves. Every refusal, from the workflow's
validators or from here, comes out as one `CaseRefusal` with its reason code, the Danish message and the
field of the request it concerns.

May import: `domain`, `config`, the adapters (`engine`, `register`, `mailing`, ...), `reporting` and `workflows`.
Imported only
by entry points.
"""

from case_service.finding import CaseFilter, CaseSummaryRow
from case_service.refusal import CaseRefusal, CaseUnavailable
from case_service.service import ActionResult, CaseService, StartResult

__all__ = [
    "ActionResult",
    "CaseFilter",
    "CaseRefusal",
    "CaseService",
    "CaseSummaryRow",
    "CaseUnavailable",
    "StartResult",
]
