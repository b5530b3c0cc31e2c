"""The web workbench: caseworkers' tasks and cases, team leads' overview and reassignment, the success report,
and the employers' reply page. Server-rendered (Starlette + Jinja2), styled with DKFDS served from `static/`.

An entry point: every page translates a request into a call of `case_service` and shows the answer; no
business rule lives here. May import everything below it.
"""
