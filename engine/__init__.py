"""Talking to Temporal: the client with the project's data converter and payload codec (encryption), the
shared payload converter, and the search attributes with their set-up on a namespace.

May import: `domain`, `config` and the other adapters. Never `workflows`, the service layer or an entry point.
Logging is in `observability`, the embedded run's tools in `localrun`, the processes beside the engine (set-up,
codec server, topology) in `ops`, the worker's own parts in `worker_support`.
"""
