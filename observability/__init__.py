"""What operators see of every process: log lines (readable in the dev run, JSON in production, scrubbed of
personal data) and the Temporal SDK runtime's metrics endpoint and log forwarding.

May import: `domain` and `config`. Never `workflows`, the service layer or an entry point.
"""
