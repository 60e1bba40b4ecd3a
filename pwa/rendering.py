"""One helper decides "fragment or full page" for htmx (STYLE.md)."""

from flask import Flask, Response, request
from flask import render_template as render_page
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """A fragment only for a plain htmx request: boosted requests and history restores
    replace the whole page, so they get the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str = "content", **context) -> str:
    """Render a block of the template for htmx swaps, or the whole page otherwise."""
    if wants_fragment():
        return render_block(template, block, **context)
    return render_page(template, **context)


def _vary_on_htmx(response: Response) -> Response:
    # The same URL answers with a page or a fragment, so caches must key on HX-Request.
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_vary_on_htmx)
