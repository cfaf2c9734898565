"""What the tests stand on, not tests themselves: local servers that speak the real protocols
(HTTP, SMTP, IMAP, an RFC 3161 timestamp authority), the seeded database of the web tests, the
labelled corpus, and running one collector. Pytest collects nothing here (no `test_` files);
the assertions are in the tests that use these."""
