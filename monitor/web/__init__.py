"""The web interface and JSON API (`monitor serve`): see `monitor.web.app` and docs/web.md."""
