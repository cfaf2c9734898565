"""What the tests stand on, not tests themselves: local servers that speak the real protocols
(HTTP, SMTP, IMAP), the seeded database of the web tests, and running one collector. Pytest
collects nothing here (no `test_` files); the assertions are in the tests that use these.
Helpers with a single user live in that test module, and the throwaway certificates in
tests/conftest.py."""
