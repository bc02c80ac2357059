"""Shell completion, as the README documents it: the script, and completions from the live CLI."""

from __future__ import annotations

import os
import subprocess
import sys


def run(env: dict[str, str], *args: str, shell: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI, as a child of ``shell`` when given (the completion options detect the shell from
    their ancestors: a run detached from any shell, as under some schedulers, has none)."""
    code = "import sys; from fargate_netcheck.cli.app import main; sys.argv[0] = 'fargate-netcheck'; main()"
    command = [sys.executable, "-c", code, *args]
    if shell is not None:  # not exec: the shell stays the CLI's parent
        command = [shell, "-c", '"$0" "$@"; exit $?', *command]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)


def test_show_completion_prints_a_bash_script_for_the_command():
    result = run({}, "--show-completion", shell="bash")
    assert result.returncode == 0, result.stderr
    assert "complete -o default -F _fargate_netcheck_completion fargate-netcheck" in result.stdout


def test_bash_completes_options_of_check():
    env = {
        "_FARGATE_NETCHECK_COMPLETE": "complete_bash",
        "COMP_WORDS": "fargate-netcheck check --deploy",
        "COMP_CWORD": "2",
    }
    result = run(env)
    assert result.stdout.split() == ["--deploy-config"], result.stderr
