"""The command line builds only the command it runs, with the same
answers as when it builds them all."""

from __future__ import annotations

import pytest
import typer

from allocator import cli

COMMANDS = [cli._command_name(info) for info in cli.app.registered_commands]


def _answer(command, argv, capsys) -> tuple[object, str, str]:
    """What a click command answers to ``argv``: its status (or the
    exception it raised) and what it printed."""
    try:
        status = command(args=argv, standalone_mode=False)
    except (typer.Exit, typer.TyperException) as exc:
        status = type(exc).__name__
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_app_for_a_command_holds_that_command_alone():
    """Tests that a command line naming a command gets a group of that
    one, and any other line (help, none, an unknown name) all of them."""
    assert [cli._command_name(i) for i in
            cli._app_for(["solve", "city/"]).registered_commands] == [
        "solve"]
    for argv in ([], ["--help"], ["solv"], ["-x"], None):
        assert cli._app_for(argv) is cli.app


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_a_command_alone_is_as_among_all(command, capsys):
    """Tests that each command's help page (and an unknown option's
    error) reads the same from the group of that command alone as from
    the group of all commands."""
    for argv in ([command, "--help"], [command, "--no-such-option"]):
        alone = _answer(cli._translated_command(argv), argv, capsys)
        among_all = _answer(cli._translated_command(None), argv, capsys)
        assert alone == among_all
        assert alone[1] or alone[0] != 0
    assert f" {command} [OPTIONS]" in _answer(
        cli._translated_command([command, "--help"]), [command, "--help"],
        capsys)[1]
