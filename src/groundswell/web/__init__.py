"""The web app: server-rendered NHS.UK-styled pages, a JSON API and a health check."""

from groundswell.web.factory import create_app, serve_app

__all__ = ["create_app", "serve_app"]
