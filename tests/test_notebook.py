"""The analyst's notebook runs from top to bottom, so it never rots."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def test_notebook_executes_and_answers():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                      for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", []))
    assert "KnowledgeGraph(5 briefings" in outputs
    sources = "".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    imports = {line.split()[1] for line in sources.splitlines() if line.startswith(("import ", "from "))}
    assert imports == {"tempfile", "pathlib", "kg"}  # the public API only
    assert "Stellantis" in outputs
    assert "Ministry of Industry and Information Technology" in outputs
