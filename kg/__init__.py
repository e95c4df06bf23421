"""china-industry-kg: English briefings on Chinese industrial policy as a knowledge graph.

The Python API (`kg.api`): ``kg.build(paths, out=...)`` builds a graph and returns a
`KnowledgeGraph`; ``kg.open(out)`` opens one built earlier. Every error the library raises is
a `KgError`.
"""

from kg.api import KnowledgeGraph, QueryResult, build, open  # noqa: A004 - kg.open(out), as sqlite_utils.Database(path)
from kg.errors import KgError

__all__ = ["KgError", "KnowledgeGraph", "QueryResult", "build", "open"]
