"""HTML: the result tree, explanations and diagnostics in, pages with inline CSS and SVG out (Jinja2 only here).

`sheet` lays columns out as the report's summary sheet with an SVG chart per section (`charts`);
`explanation` renders an explanation as a tree of expandable parts; `diagnostics` shows problems
at their lines. Each gives a fragment (for the service's pages, which wrap it in their own
layout) or, with `standalone`, one self-contained page (no scripts, fonts or other files) to
e-mail or archive: what `esirules score --format html` and `esirules explain --format html` write.
Jinja2 is imported only when one of these modules is, so the plain command line never loads it.
"""
