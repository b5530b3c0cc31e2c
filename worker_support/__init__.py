"""The worker process's own parts beside its workflows and activities: the case metrics for Prometheus with
their activity interceptor, and the memory setting that must be made before its threads start.

Entry-point level, beside worker.py: they may import the workflows and the register.
"""
