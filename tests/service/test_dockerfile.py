"""The container definition cannot be built here (no Docker on the test machine); this keeps what can be
checked without it true: the command it runs is one `cnscd` accepts, as a non-root user, journal on a volume."""

from __future__ import annotations

import json
import re
import shlex

from cnscd import cli
from tests.conftest import ROOT

DOCKERFILE = ROOT / "scripts" / "intake-service.Dockerfile"


def instructions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.setdefault(word.upper(), []).append(rest.strip())
    return found


def test_image_runs_the_service_as_a_user_with_the_journal_on_a_volume() -> None:
    found = instructions()
    assert found["FROM"] == ["python:3.12-slim"]
    assert found["USER"] == ["cnscd"] and "--uid 10001" in " ".join(found["RUN"])
    assert "/var/lib/cnscd" in json.loads(found["VOLUME"][0])
    assert any("-r requirements.txt" in run for run in found["RUN"])
    requirements = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][^\s]*", line) for line in requirements), requirements


def test_its_command_is_one_cnscd_accepts() -> None:
    script = json.loads(instructions()["CMD"][0])[-1]
    command = script.split("exec ", 1)[1]
    command = command.replace('"$CNSCD_REPOSITORY"', "owner/repo").replace('"${CNSCD_PROXY_IPS:-127.0.0.1}"', "10.0.0.1")
    words = shlex.split(command)
    assert words[:2] == ["cnscd", "intake-serve"]
    if not cli._EXTENSIONS:
        cli._load_extensions()
    args = cli.build_parser().parse_args(words[1:])
    assert args.github == "owner/repo" and args.host == "0.0.0.0" and args.port == 8787  # noqa: S104 (in a container)
    assert args.journal.startswith("/var/lib/cnscd/") and args.forwarded_allow_ips == "10.0.0.1"
