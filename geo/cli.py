"""The one error boundary of every command line (``python -m geo …``, ``python -m routing.<analysis> …``).

A command is a function ``(args) -> exit code``; :func:`run` calls it and turns what it raises into one
message on stderr, never a traceback:

* an expected problem (:class:`geo._errors.XunzhenError`, an unreadable or unwritable file) → the message,
  exit code 2 (:data:`EXIT_USER`); an ambiguous place name also lists the candidates;
* Ctrl+C → "interrupted", exit code 1;
* anything else is a bug → one line ``内部错误 / internal error`` naming the log file that holds the
  traceback, exit code 1 (:data:`EXIT_FAILED`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Callable, Sequence

from geo._errors import AmbiguousPlaceError, UnknownPlaceError, XunzhenError
from geo.settings import error_log_path

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USER", "log_internal_error", "run", "run_parser"]

EXIT_OK, EXIT_FAILED, EXIT_USER = 0, 1, 2

Command = Callable[[argparse.Namespace], int]


def _err(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def log_internal_error(err: BaseException) -> str:
    """Append ``err`` with its traceback to the error log; return the log's path (or why it could not)."""
    try:
        path = error_log_path()
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(err)))
        return str(path)
    except OSError as exc:
        return f"(log not written: {exc.strerror})"


def run(command: Command, args: argparse.Namespace) -> int:
    """Run ``command(args)`` inside the error boundary; return its exit code (see the module docstring)."""
    try:
        return command(args)
    except AmbiguousPlaceError as err:
        _err(f"地名不唯一 / ambiguous name: {err}", "请加上县名 / qualify it by county, one of:")
        _err(*(f"  {cand}" for cand in err.candidates))
        return EXIT_USER
    except UnknownPlaceError as err:
        _err(f"找不到地名 / unknown place: {err}")
        return EXIT_USER
    except XunzhenError as err:
        zh = getattr(err, "zh", None)  # errors in both languages (routing.database.messages.bilingual)
        _err(f"错误：{zh}", f"error: {err}") if zh else _err(f"错误 / error: {err}")
        return EXIT_USER
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        _err(f"错误 / error: 无法读写文件 / cannot read or write{where}: {err.strerror or err}")
        return EXIT_USER
    except KeyboardInterrupt:
        _err("已中断 / interrupted.")
        return EXIT_FAILED
    except Exception as err:  # a bug: one line and the log file, never a traceback on screen
        where = log_internal_error(err)
        _err(f"内部错误 / internal error ({type(err).__name__}); 详情见 / details in {where}")
        return EXIT_FAILED


def run_parser(parser: argparse.ArgumentParser, command: Command, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` with ``parser`` (bad flags: argparse's usage and exit 2) and :func:`run` the command."""
    args = parser.parse_args(argv)
    return run(command, args)
