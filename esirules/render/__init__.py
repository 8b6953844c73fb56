"""Renderers: pure functions from diagnostics or result trees to text, JSON, Markdown."""
