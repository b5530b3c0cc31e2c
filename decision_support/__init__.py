"""Decision support for the cases the 2026 reform stops following (STAR 2025: "beslutningsunderstøttelse
for sagsbehandlere"): an estimate of the risk that an absence passes 26 weeks, from an explainable model that is
validated on later cases than it learned from, compared with a simple rule, and refused when it does not beat it.
It estimates; it never decides.

- `features`: what the model may read (a documented setting), never health data or free text.
- `cases`: closed cases to learn from: the register's, or synthetic ones (labelled so) where none exist yet.
- `model`: training, time-ordered validation, the comparison with the rule, the per-case explanation.
- `store`: every model kept with its figures; the newest validated one is the one used.
"""
