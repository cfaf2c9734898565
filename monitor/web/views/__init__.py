"""Request handlers, one module per group of pages; each exposes `routes` (a RouteTableDef)."""
