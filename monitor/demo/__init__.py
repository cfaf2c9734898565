"""The demo: fictional activists and hostile sources served locally, collected end to end."""
