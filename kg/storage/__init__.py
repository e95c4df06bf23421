"""Where the graph lives: the embedded pyoxigraph store (the truth) and the SQLite index beside it (names, evidence, records, changes)."""
