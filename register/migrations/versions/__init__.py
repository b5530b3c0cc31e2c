"""One file per register revision, oldest first; never edited once released, only followed by a new one."""
