"""Adapters the case workflow calls as Temporal activities: register writes and look-ups, planning (rule set,
free times) and sending mail. Each is small and idempotent.

May import: `domain`, `config` and the other adapters (`mailing`, `register`, `engine`). Never `workflows`,
the service layer or an entry point.
"""
