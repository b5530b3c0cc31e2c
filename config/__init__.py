"""Configuration as data: defaults.yaml (settings, overridable by FASTHOLD_* variables), roster.yaml and the
dated rule sets in rulesets.yaml, with the loader for settings.

May import: only itself and the standard library (and yaml).
"""
