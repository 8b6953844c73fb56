"""The audit as a page: the store's audit entries in, every write with who, when and what out (administrators only).

An adjustment's entry shows the adjustment itself (criterion, grade, by and reason), read from the
run it made, so the trail says why as well as who.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.routing import BaseRoute

from esirules.service.operation import Context
from esirules.service.pages.frame import Page, PageCall, page_route

PAGE = 100


def audit(context: Context, call: PageCall) -> Page:
    after = call.first("after") or "0"
    start = int(after) if after.isdigit() and len(after) < 19 else 0
    rows = context.store.audit(start, PAGE)
    entries: list[dict[str, Any]] = []
    for row in rows:
        entry = {**row, "details": json.loads(row["details"]), "adjustments": []}
        if row["action"] == "run.adjust":
            run = context.store.run(row["subject"])
            if run is not None:
                entry["adjustments"] = json.loads(run["inputs"])["adjustments"]
        entries.append(entry)
    following = rows[-1]["id"] if len(rows) == PAGE else None
    return Page("audit.html.j2", "Audit", {"entries": entries, "following": following, "start": start})


def routes(context: Context) -> list[BaseRoute]:
    return [page_route(context, "/audit", audit, role="admin")]
