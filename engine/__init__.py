"""Running Temporal here: the client with the project's data converter and payload codec, the codec server,
search attribute definitions and set-up, binaries lookup, and the local mail sink.

May import: `domain`, `config` and the other adapters. Never `workflows`, the service layer or an entry point.
"""
