"""Options and helpers several commands share: each is defined once here."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from kg.api import TIME_LIMIT_SECONDS
from kg.errors import KgError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def day(value) -> str:
    """A --since/--until value as an ISO date, or "" when not given."""
    return f"{value:%Y-%m-%d}" if value else ""


def _default_out() -> str:
    return os.environ.get("KG_OUT", "out")


def out_option(command):
    """``--out DIR``: where the graph is written and read (default ``out/`` or ``$KG_OUT``)."""
    return click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=_default_out,
                        show_default="out/ or $KG_OUT", help="Output directory of the built graph.")(command)


def window_options(since: str = "Only relations with evidence on or after this date (YYYY-MM-DD).",
                   until: str = "Only relations with evidence on or before this date (YYYY-MM-DD)."):
    """``--since DATE`` and ``--until DATE``, with help texts that say what the window filters."""
    def decorate(command):
        command = click.option("--until", type=DATE, default=None, help=until)(command)
        return click.option("--since", type=DATE, default=None, help=since)(command)
    return decorate


def json_option(help: str = "Print JSON instead of text."):  # noqa: A002 - click's own name for it
    """``--json``, passed to the command as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def output_option(help: str, required: bool = True, default=None, dir_okay: bool = False):  # noqa: A002
    """``-o/--output FILE``, passed as ``output``."""
    return click.option("-o", "--output", "output", type=click.Path(dir_okay=dir_okay, path_type=Path), required=required,
                        default=default, help=help)


def width_options(command):
    """--width N and --full, shared by the commands that print evidence sentences."""
    command = click.option("--full", is_flag=True, help="Print sentences whole.")(command)
    return click.option("--width", default=160, show_default=True, type=click.IntRange(20),
                        help="Cut sentences to this many characters (…).")(command)


def time_limit_option(command):
    """--time-limit SECONDS, shared by the commands that extract briefings."""
    return click.option("--time-limit", default=TIME_LIMIT_SECONDS, show_default=True, type=click.FloatRange(0.1),
                        help="Seconds one file may take to extract; a file over it is named and skipped.")(command)


def handle_errors(command):
    """Turn library errors into clean CLI errors unless --debug was given."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            if getattr(error, "reported", False):  # its reasons are on the lines above, one per input
                raise click.exceptions.Exit(1) from None
            raise click.ClickException(str(error)) from None
    return wrapper
