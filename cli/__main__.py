"""`python -m cli`: the same as the `fasthold` command."""

from cli import entry

entry()
