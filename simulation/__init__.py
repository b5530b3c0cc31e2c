"""Capacity planning by simulation: the real CaseWorkflow over a simulated year (`fasthold simuler`).

An entry-point-level package: it starts a time-skipping Temporal server and a worker, acts for the simulated
people through the service layer, and reads the register's success report. `scenario` reads the scenario file,
`people` plays employers, employees and caseworkers, `run` runs one roster size, `sweep` runs a range of
roster sizes and writes the table and the plot.
"""
