"""Reporting: the model's success criteria, the baseline comparison, the evaluation dataset and the
return-to-work analysis, read from the register and rendered for managers and evaluators.

May import: `domain`, `config`, `register` (it reads the register; the register never imports reporting) and
the other adapters. Never `workflows`, the service layer or an entry point.
"""
