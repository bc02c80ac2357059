"""Shell completion, as the README documents it: the script, and completions from the live CLI."""

from __future__ import annotations

import os
import subprocess
import sys


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from fargate_netcheck.cli.app import main; sys.argv[0] = 'fargate-netcheck'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env={**os.environ, **env}, capture_output=True, text=True
    )


def test_show_completion_prints_a_bash_script_for_the_command():
    result = run({}, "--show-completion", "bash")
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
