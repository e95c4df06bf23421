"""The read side: views of the graph (who, timeline, neighbourhoods), SPARQL queries, changes over time, evaluation against gold."""
