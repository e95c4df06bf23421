"""The graph's model, defined once: the vocabulary's terms and IRIs, the rdflib namespaces, nodes and evidence rows."""
