"""The write side: read briefing files, extract, resolve names across briefings, write triples to the store and the index.

`kg.write.build` runs the whole path; the other modules are its steps.
"""

TIME_LIMIT_SECONDS = 600.0  # per file; a 20 MB briefing, the largest read, extracts in a few minutes
