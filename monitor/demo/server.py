"""A local web server for the demo's fictional feeds, Telegram preview page and web pages."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

DATA = Path(__file__).parent / "data"
TYPES = {".xml": "application/rss+xml", ".html": "text/html"}


def app(root: Path = DATA) -> web.Application:
    """Serves `feeds/*.xml`, `pages/*.html` and Telegram previews at `/s/<channel>`."""

    async def telegram(request: web.Request) -> web.StreamResponse:
        return _file(root / "telegram" / "s" / f"{request.match_info['channel']}.html")

    async def static(request: web.Request) -> web.StreamResponse:
        return _file(root / request.match_info["folder"] / request.match_info["name"])

    application = web.Application()
    application.router.add_get("/s/{channel:[A-Za-z0-9_]+}", telegram)
    application.router.add_get("/{folder:feeds|pages}/{name:[A-Za-z0-9_.-]+}", static)
    return application


def _file(path: Path) -> web.StreamResponse:
    if not path.is_file():
        raise web.HTTPNotFound()
    return web.Response(
        body=path.read_bytes(), content_type=TYPES.get(path.suffix, "application/octet-stream")
    )


def source_paths(root: Path = DATA) -> list[tuple[str, str]]:
    """(kind, path on the demo server) for every demo source."""
    sources = [("feed", f"/feeds/{p.name}") for p in sorted((root / "feeds").glob("*.xml"))]
    sources += [("telegram", f"/s/{p.stem}") for p in sorted((root / "telegram" / "s").glob("*"))]
    sources += [("page", f"/pages/{p.name}") for p in sorted((root / "pages").glob("*.html"))]
    return sources
