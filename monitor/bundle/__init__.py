"""What goes into every evidence bundle besides the evidence itself.

`verify.py` is the standalone verifier copied verbatim into each bundle (standard library
only, so anyone can run it without this project); `report.html` is the template of the
printable report and `README.txt` the note that tells a recipient how to verify. Keeping them
as files rather than strings lets the verifier be run, read and tested as ordinary code.
"""
