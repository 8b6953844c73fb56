"""esirules: score inspections by written rules, and explain every grade and percentage."""

from __future__ import annotations

__version__ = "0.1.0"
