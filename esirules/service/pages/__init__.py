"""Web pages for inspectors and methodology staff: requests from a browser in, HTML pages out.

The pages are a surface of the service like the API: every figure, explanation, check, diff and
handbook is the library's own, rendered by `esirules.render.html` (the same renderers as
`--format html`) or `esirules.authoring.document_html`, and every write goes through the API's
own handlers, so it is checked, stored and audited exactly as over HTTP. What is here is the
browser's side: signing in with a token (kept in an HttpOnly, SameSite=Strict cookie), a CSRF
token on every form, forms read with limits, navigation that offers only what the role may do,
and a page (not a problem document) for every refusal. docs/deploy.md describes the cookie.
"""
