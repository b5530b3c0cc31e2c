"""The pure domain: the case's data (model), the law's and the model's deadlines (deadlines, rulesets), what is
due and when (agenda), triage, slot choice, Danish working days and local time, refusal codes and the Danish
labels.

May import: only itself, the standard library and plain data libraries (holidays, yaml, pydantic for the sick
report). No I/O, no framework: the workflow sandbox imports it, and unit tests run it without a server.
"""
