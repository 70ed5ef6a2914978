"""The Dockerfile carried out without a container engine: each stage's files are laid out in a
folder of their own exactly as its COPY and ADD instructions (and the .dockerignore) say, and its
RUN steps that install software (pip, npm, python) run there, each Python stage in a fresh virtual
environment. What the final stage holds is then the image's files, installed the image's way.

It follows the Dockerfile's text, so a folder the Dockerfile forgets to copy is missing here too;
it runs no container, so operating-system steps (useradd, chown) are skipped and the base images
are this machine's Python and Node.js, not the ones the FROM lines name.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

# The commands of a RUN step that install or build what the image runs; the others (useradd,
# chown) change the operating system, which a folder on this machine does not have.
RUNNABLE = {"pip", "npm", "python", "mkdir", "rm"}


@dataclass
class Instruction:
    keyword: str
    arguments: str


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, with continuation lines joined and comments dropped."""
    found: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
    return found


def stages(text: str) -> list[Stage]:
    found: list[Stage] = []
    for instruction in instructions(text):
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found.append(Stage(words[0], name))
        elif found:
            found[-1].instructions.append(instruction)
    return found


def env_pairs(arguments: str) -> dict[str, str]:
    """ENV KEY=value KEY2="value 2" (and the legacy ENV KEY value)."""
    words = shlex.split(arguments)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def exec_form(arguments: str) -> list[str]:
    """CMD/ENTRYPOINT in exec (JSON) form, or the shell form split into words."""
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return shlex.split(arguments)
    return [str(word) for word in value]


# .dockerignore: Go's filepath.Match per path segment, ** for any number of segments, ! re-includes,
# the last matching line wins, and a directory's exclusion covers everything inside it.
def _pattern(line: str) -> re.Pattern[str]:
    parts: list[str] = []
    for segment in line.strip("/").split("/"):
        if segment == "**":
            parts.append("(?:[^/]+/)*")
            continue
        body = ""
        for char in segment:
            body += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
        parts.append(body + "/")
    return re.compile("".join(parts).rstrip("/").replace("*/)*/", "*/)*") + "$")


def ignore_rules(root: Path) -> list[tuple[bool, re.Pattern[str]]]:
    path = root / ".dockerignore"
    if not path.exists():
        return []
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, _pattern(os.path.normpath(line.lstrip("!")))))
    return rules


def ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    verdict = False
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for negated, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            verdict = not negated
    return verdict


def context_files(root: Path, source: str) -> list[Path]:
    """The files under ``source`` (relative to the build context) that the context holds."""
    rules = ignore_rules(root)
    can_prune = not any(negated for negated, _ in rules)
    matches = sorted(glob.glob(str(root / source))) if any(c in source for c in "*?[") else []
    starts = [Path(m) for m in matches] or [root / source]
    found: list[Path] = []
    for start in starts:
        if start.is_file():
            if not ignored(start.relative_to(root).as_posix(), rules):
                found.append(start)
            continue
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            dirs[:] = [
                d
                for d in dirs
                if not (can_prune and ignored((here / d).relative_to(root).as_posix(), rules))
            ]
            for name in files:
                path = here / name
                if not ignored(path.relative_to(root).as_posix(), rules):
                    found.append(path)
    return found


class Build:
    """Lays out and installs each stage of ``dockerfile`` under ``workspace``."""

    def __init__(self, root: Path, dockerfile: Path, workspace: Path, wheelhouse: Path) -> None:
        self.root = root
        self.stages = stages(dockerfile.read_text())
        self.workspace = workspace
        self.wheelhouse = wheelhouse
        self.folders: dict[int, Path] = {}
        self.env: dict[int, dict[str, str]] = {}
        self.workdirs: dict[int, str] = {}
        self.pythons: dict[int, Path] = {}

    # A path of the image, in the folder standing for the stage's file system.
    def host(self, index: int, path: str) -> Path:
        if not path.startswith("/"):
            path = f"{self.workdirs[index].rstrip('/')}/{path}"
        return self.folders[index] / os.path.normpath(path).lstrip("/")

    def stage_index(self, reference: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage.name == reference or str(index) == reference:
                return index
        raise AssertionError(f"COPY --from={reference}: no such stage")

    def run(self) -> None:
        for index, stage in enumerate(self.stages):
            self.folders[index] = self.workspace / f"stage-{index}"
            self.folders[index].mkdir(parents=True)
            self.env[index] = {}
            self.workdirs[index] = "/"
            if stage.image.startswith("python:"):
                self.pythons[index] = self._venv(index)
            elif not stage.image.startswith("node:"):
                raise AssertionError(f"FROM {stage.image}: only python and node images are known")
            for instruction in stage.instructions:
                self._apply(index, instruction)

    @property
    def final(self) -> int:
        return len(self.stages) - 1

    def final_env(self) -> dict[str, str]:
        """The final stage's ENV, its absolute paths moved into the stage's folder."""
        return {k: self._host_words(self.final, v) for k, v in self.env[self.final].items()}

    def final_python(self) -> Path:
        return self.pythons[self.final]

    def final_workdir(self) -> Path:
        return self.host(self.final, self.workdirs[self.final])

    def cmd(self) -> list[str]:
        for instruction in reversed(self.stages[self.final].instructions):
            if instruction.keyword == "CMD":
                return exec_form(instruction.arguments)
        raise AssertionError("the final stage has no CMD")

    def _venv(self, index: int) -> Path:
        folder = self.workspace / f"python-{index}"
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
        return folder / "bin" / "python"

    def _apply(self, index: int, instruction: Instruction) -> None:
        keyword, arguments = instruction.keyword, instruction.arguments
        if keyword == "WORKDIR":
            self.workdirs[index] = arguments
            self.host(index, arguments).mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            self.env[index].update(env_pairs(arguments))
        elif keyword in ("COPY", "ADD"):
            self._copy(index, arguments)
        elif keyword == "RUN":
            for command in re.split(r"\s*&&\s*", arguments):
                self._run(index, shlex.split(command))

    def _copy(self, index: int, arguments: str) -> None:
        words = shlex.split(arguments)
        flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--") and "=" in w)
        paths = [w for w in words if not w.startswith("--")]
        sources, destination = paths[:-1], paths[-1]
        wildcard = any(c in s for s in sources for c in "*?[")
        into_folder = destination.endswith("/") or len(sources) > 1 or wildcard
        target = self.host(index, destination)
        for source in sources:
            if "from" in flags:
                origin = self.host(self.stage_index(flags["from"]), source)
                matched = [Path(p) for p in sorted(glob.glob(str(origin)))]
            else:
                matched = [Path(p) for p in sorted(glob.glob(str(self.root / source)))]
            assert matched, f"COPY {source}: no such file in the {flags.get('from', 'context')}"
            for found in matched:
                if found.is_dir():  # a folder's contents go into the destination
                    if "from" in flags:
                        files = [p for p in found.rglob("*") if p.is_file()]
                    else:
                        files = context_files(self.root, found.relative_to(self.root).as_posix())
                    pairs = [(p, target / p.relative_to(found)) for p in files]
                elif "from" not in flags and ignored(
                    found.relative_to(self.root).as_posix(), ignore_rules(self.root)
                ):
                    raise AssertionError(f"COPY {source}: the .dockerignore leaves it out")
                else:
                    pairs = [(found, target / found.name if into_folder else target)]
                for path, place in pairs:
                    place.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, place)

    def _host_words(self, index: int, text: str) -> str:
        return re.sub(r"(?<![\w.:/-])(/[\w./*-]+)", lambda m: str(self.host(index, m[1])), text)

    def _run(self, index: int, words: list[str]) -> None:
        if not words or words[0] not in RUNNABLE:
            return
        program, *rest = words
        args: list[str] = []
        for word in rest:
            moved = self._host_words(index, word) if word.startswith("/") else word
            expanded = sorted(glob.glob(moved)) if "*" in moved else []
            args.extend(expanded or [moved])
        env = self._process_env(index)
        if program in ("pip", "python"):
            python = self.pythons.get(index)
            assert python, f"RUN {program} in a stage without Python ({self.stages[index].image})"
            command = [str(python), *(["-m", "pip"] if program == "pip" else []), *args]
        elif program == "npm":
            command = [shutil.which("npm") or "npm", *args, "--prefer-offline"]
        else:
            command = [program, *args]
        subprocess.run(
            command, cwd=self.host(index, self.workdirs[index]), env=env, check=True, timeout=900
        )

    def _process_env(self, index: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TMPDIR")}
        env["PATH"] = (
            os.pathsep.join([str(self.pythons[index].parent)] if index in self.pythons else [])
            + os.pathsep
            + os.environ.get("PATH", os.defpath)
        )
        env.update({k: self._host_words(index, v) for k, v in self.env[index].items()})
        # Everything pip installs comes from the wheelhouse the lock filled (tests/deploy), so
        # the steps run offline and in seconds; the versions are the lock's all the same.
        # This machine's pip configuration (indexes, constraints) is not the image's either.
        env.update(
            PIP_NO_INDEX="1",
            PIP_FIND_LINKS=str(self.wheelhouse),
            PIP_CONFIG_FILE=os.devnull,
            PIP_QUIET="1",
        )
        env.pop("PIP_NO_CACHE_DIR", None)
        return env


def fill_wheelhouse(root: Path, wheelhouse: Path) -> None:
    """Wheels of the runtime lock and of the build backend, fetched once and kept (the pytest
    cache); refilled when the lock or pyproject's build requirements change."""
    import tomllib

    lock = (root / "requirements.runtime.lock").read_text()
    backend = tomllib.loads((root / "pyproject.toml").read_text())["build-system"]["requires"]
    stamp = wheelhouse / "stamp"
    wanted = lock + "\n".join(backend)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    shutil.rmtree(wheelhouse, ignore_errors=True)
    wheelhouse.mkdir(parents=True)
    for requirements in (["-r", str(root / "requirements.runtime.lock")], backend):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "-w", str(wheelhouse), *requirements],
            check=True,
            timeout=900,
        )
    stamp.write_text(wanted)
