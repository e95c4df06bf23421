"""The `kg` commands, grouped by what they do with the graph: write it, ask it, publish it.

Each command parses its options, calls one method of the Python API (`kg.api`) and prints;
`kg.commands.options` holds the options several commands share.
"""
