"""Render a document as HTML: a `document.Document` in, one self-contained, printable HTML page out.

The page needs nothing from outside (the style sheet is inline, there are no scripts, fonts or
images), prints with each part starting on a new page, and is written for assistive technology:
one `h1`, headings in order, a contents list, tables with captions and header cells that say
whether they head a column or a row, and text colours with a contrast of at least 7:1.
"""

from __future__ import annotations

from html import escape

from esirules.authoring.document import Block, Document, Entries, Heading, Paragraph, Table, Text, plain_text

_STYLE = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; color: #1a1a1a; background: #ffffff;
  line-height: 1.5; margin: 0; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1, h2, h3, h4 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; color: #0b2e4f; }
h1 { font-size: 2rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; padding-top: 0.5rem; border-top: 2px solid #0b2e4f; }
h3 { font-size: 1.2rem; margin-top: 2rem; }
h4 { font-size: 1rem; margin-top: 1.5rem; }
p.subtitle { font-size: 1.1rem; color: #404040; margin-top: 0; }
p.muted { color: #404040; font-size: 0.95rem; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em;
  background: #f1f3f5; padding: 0 0.2em; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 1.5rem; font-size: 0.95rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.4rem; }
th, td { min-width: 4.5em; border: 1px solid #8a8f94; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #e6ecf2; }
tbody th { font-weight: normal; background: #f7f9fb; }
td.figure, th.figure { text-align: right; white-space: nowrap; }
nav ol { columns: 2; padding-left: 1.2rem; }
a { color: #0b4f8a; }
ul.details { margin: 0.2rem 0 0.4rem; color: #404040; font-size: 0.95rem; list-style: none; padding-left: 1rem; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { break-after: page; }
  section.part { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  table, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: #1a1a1a; text-decoration: none; }
  code { background: none; padding: 0; }
}
@page { margin: 18mm 16mm; }
"""


def document_html(document: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{escape(document.title)}</h1>",
    ]
    if document.subtitle:
        parts.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
    parts.append("</header>")
    body = document_body(document)
    if body:
        parts.append(body)
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def document_body(document: Document) -> str:
    """The document's parts without its title: for a page that has a heading and a style of its own."""
    parts = []
    open_part = False
    contents = _contents(document)
    for block in document.blocks:
        if contents and isinstance(block, Heading) and block.level == 2:
            parts += contents  # after the introduction, before the first part
            contents = []
        if isinstance(block, Heading) and block.level == 2:
            if open_part:
                parts.append("</section>")
            label = f' aria-labelledby="{escape(block.anchor)}"' if block.anchor else ""
            parts.append(f'<section class="part"{label}>')
            open_part = True
        parts.append(_block(block))
    if open_part:
        parts.append("</section>")
    return "\n".join(parts)


def inline(value: Text) -> str:
    out = []
    for run in value:
        words = escape(run.text)
        if run.style == "code":
            out.append(f"<code>{words}</code>")
        elif run.style == "strong":
            out.append(f"<strong>{words}</strong>")
        elif run.style == "emphasis":
            out.append(f"<em>{words}</em>")
        else:
            out.append(words)
    return "".join(out)


def _contents(document: Document) -> list[str]:
    parts = [h for h in document.blocks if isinstance(h, Heading) and h.level == 2 and h.anchor]
    if len(parts) < 2:
        return []
    items = "".join(f'<li><a href="#{escape(h.anchor)}">{escape(plain_text(h.text))}</a></li>' for h in parts)
    return [f'<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>{items}</ol></nav>']


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{inline(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f'<p class="muted">{inline(block.text)}</p>' if block.muted else f"<p>{inline(block.text)}</p>"
    if isinstance(block, Entries):
        items = []
        for entry in block.entries:
            details = ""
            if entry.details:
                details = '<ul class="details">' + "".join(f"<li>{inline(d)}</li>" for d in entry.details) + "</ul>"
            items.append(f"<li>{inline(entry.text)}{details}</li>")
        return "<ul>" + "".join(items) + "</ul>"
    return _table(block)


def _table(table: Table) -> str:
    caption = f"<caption>{inline(table.caption)}</caption>" if table.caption else ""
    head = "".join(
        f'<th scope="col"{_figure_class(i, table)}>{inline(h)}</th>' for i, h in enumerate(table.header)
    )
    rows = []
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and table.row_headers:
                cells.append(f'<th scope="row">{inline(cell)}</th>')
            else:
                cells.append(f"<td{_figure_class(i, table)}>{inline(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    # (focusable: on a narrow screen a wide table scrolls sideways within itself, by keyboard too)
    body = "".join(rows)
    return f'<table tabindex="0">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figure_class(column: int, table: Table) -> str:
    return ' class="figure"' if column in table.numeric else ""
