"""Operations: requests in, structured access logs (JSON lines) and Prometheus metrics out.

With several workers (`esirules serve --workers N`), prometheus_client's multiprocess mode adds
up every worker's figures in the folder named by PROMETHEUS_MULTIPROC_DIR, which `serve` makes
(and empties) before starting them; so any worker answers a scrape for all of them.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"
METRICS_MEDIA_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("esirules_http_requests", "HTTP requests answered, by route template and status",
                   ["method", "route", "status"])
LATENCY = Histogram(
    "esirules_http_request_duration_seconds", "Time to answer a request, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RUNS = Counter("esirules_runs_scored", "Runs scored: new runs, adjustments, batch items and verifications", ["kind"])
EXPLANATIONS = Counter("esirules_explanations_served", "Explanations served (computed, or from the cache)", ["source"])


def exposition() -> bytes:
    """The metrics in Prometheus' text format (every worker's, added up, when there are several)."""
    if os.environ.get(MULTIPROCESS):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


ACCESS = logging.getLogger("esirules.access")
ERRORS = logging.getLogger("esirules.service")


def database_unavailable(error: Exception, request_id: str | None = None) -> None:
    """The cause of a 503 for the operator, in the log: clients are told only that the database
    cannot answer (its address and the driver's words are not theirs to see)."""
    ERRORS.warning(f"the database cannot answer: {error}", extra={"fields": {"request_id": request_id}})


def access(fields: dict[str, Any]) -> None:
    """Log one answered request. `fields` never hold a token's secret or a request body."""
    ACCESS.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra={"fields": fields})


def log_config(level: str = "info") -> dict[str, Any]:
    """A logging configuration (for uvicorn too): JSON lines on standard error, uvicorn's own access log off."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLines}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "esirules": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure(level: str = "info") -> None:
    import logging.config

    logging.config.dictConfig(log_config(level))
    sys.stderr.flush()
