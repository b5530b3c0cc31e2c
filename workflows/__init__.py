"""The case process as a Temporal workflow: `CaseWorkflow` and the mixins it is made of.

May import: `domain`, and the adapters (`activities`, `engine`) only for their types and activity
definitions, through `workflow.unsafe.imports_passed_through()`. Nothing here does I/O, and nothing here is
imported by the domain or the adapters.
"""
