"""Mail as the engine writes and reads it: iCalendar invitations, MIME messages, rendering of the Danish
templates, parsing of inbound iMIP replies, the gateway's reply policy and its inbox of kept messages.

May import: `domain`, `config` and the other adapters. Never `workflows`, the service layer or an entry point.
"""
