"""Services over a built graph: the SPARQL 1.1 Protocol endpoint (`kg serve`) and Graph Store Protocol upload (`kg push`)."""
