"""The `kg` command line: each command parses options, calls the Python API (`kg.api`), prints.

Results go to stdout, progress and errors to stderr. Library errors (`KgError`) become one-line
messages with exit code 1; ``--debug`` shows the traceback instead. The commands live in
`kg.commands` by what they do; heavy libraries are imported only when a command needs them,
so `kg who` and `kg query` start without loading spaCy.
"""

from __future__ import annotations

import sys

import click

from kg.commands import asking, publishing, writing
from kg.errors import printable


@click.group()
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.version_option(package_name="china-industry-kg")
def cli(debug: bool) -> None:
    """Turn briefings on Chinese industrial policy into a queryable knowledge graph."""


for command in (writing.build, writing.add, asking.changes, publishing.digest, writing.watch, writing.remove, asking.who,
                asking.timeline, asking.query, asking.evaluate, publishing.html, publishing.validate, publishing.export_command,
                publishing.serve, publishing.push):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI; an unexpected error is one line on stderr, its traceback only with --debug."""
    try:
        code = cli(prog_name="kg", standalone_mode=False)
        if isinstance(code, int):  # --help, --version
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as error:  # one line, exit 1, like every other error
        command = error.ctx.command_path if error.ctx else "kg"
        click.echo(printable(f"Error: {error.format_message()} (see `{command} --help`)"), err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence before a traceback
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error} (run `kg --debug ...` for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
