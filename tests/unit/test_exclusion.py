"""Which files never go upstream: case, percent-encoding, URI schemes, symlinks, defaults."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ds_lsp.config import DEFAULT_EXCLUDE
from ds_lsp.exclusion import document_path, is_excluded

DEFAULTS = list(DEFAULT_EXCLUDE)


@pytest.mark.parametrize(
    "target",
    [
        "file:///p/.kube/config",
        "file:///home/u/.docker/config.json",
        "file:///home/u/.aws/credentials",
        "file:///home/u/.aws/config",
        "file:///infra/prod.tfvars",
        "file:///infra/terraform.tfstate",
        "file:///infra/terraform.tfstate.backup",
        "file:///p/.env-staging",
        "file:///worker/.dev.vars",
        "file:///srv/.htpasswd",
        "file:///p/service-account-prod.json",
        "file:///p/service-account.json",
        "file:///p/.git/config",
        "file:///p/.git-credentials",
        "file:///p/.env",
        "file:///p/.env.production",
        "file:///home/u/.ssh/id_ed25519",
    ],
)
def test_new_and_old_defaults_exclude_secret_files(target: str) -> None:
    assert is_excluded(target, DEFAULTS)


@pytest.mark.parametrize(
    "target",
    [
        "file:///p/app.py",
        "file:///p/environment.py",
        "file:///p/config.py",
        "file:///p/kube/config.yaml",
        "file:///p/docs/aws/config.md",
        "file:///p/service.json",
        "file:///p/.github/workflows/ci.yml",
    ],
)
def test_defaults_leave_ordinary_source_files_alone(target: str) -> None:
    assert not is_excluded(target, DEFAULTS)


@pytest.mark.parametrize(
    "target",
    ["file:///p/.ENV", "file:///p/Server.PEM", "file:///home/u/.AWS/Credentials", "/p/.Env.Local"],
)
def test_matching_ignores_case(target: str) -> None:
    assert is_excluded(target, DEFAULTS)


@pytest.mark.parametrize(
    "target",
    [
        "file:///p/%2Eenv",
        "file:///p/%2eenv%2Elocal",
        "vscode-remote://ssh-remote%2Bbox/home/u/%2Eenv",
        "vscode-remote://wsl%2Bubuntu/home/u/.aws/credentials",
        "untitled:.env",
        "untitled:/p/.env",
        "vscode-vfs://github/org/repo/secrets.yaml",
        "git:/p/.env?%7B%22ref%22%3A%22HEAD%22%7D",
        "file:///C%3A/Users/u/.env",
    ],
)
def test_every_uri_scheme_is_matched_on_its_decoded_path(target: str) -> None:
    assert is_excluded(target, DEFAULTS)


def test_plain_paths_work_like_uris() -> None:
    assert is_excluded("/home/u/.kube/config", DEFAULTS)
    assert is_excluded("C:\\Users\\u\\.aws\\credentials", DEFAULTS)
    assert not is_excluded("/home/u/project/main.py", DEFAULTS)


def test_dot_dot_does_not_hide_a_secret() -> None:
    assert is_excluded("file:///p/src/../.env", DEFAULTS)
    assert document_path("file:///p/src/../x.py") == ("/p/x.py", True)


def test_path_globs_match_the_workspace_path_and_any_tail() -> None:
    assert is_excluded("file:///ws/secrets/db.py", ["secrets/*"], root="/ws")
    assert is_excluded("file:///ws/secrets/deep/db.py", ["secrets/*"], root="/ws")
    assert not is_excluded("file:///ws/src/db.py", ["secrets/*"], root="/ws")
    assert is_excluded("/elsewhere/secrets/db.py", ["secrets/*"], root="/ws")


def test_a_leading_slash_anchors_to_the_workspace_root() -> None:
    assert is_excluded("file:///ws/private/a.py", ["/private/"], root="/ws")
    assert not is_excluded("file:///ws/src/private/a.py", ["/private/"], root="/ws")


def test_double_star_spans_folders() -> None:
    assert is_excluded("file:///ws/a/b/c/keys.txt", ["a/**/keys.txt"], root="/ws")
    assert not is_excluded("file:///ws/a/b/c/notes.txt", ["a/**/keys.txt"], root="/ws")


def test_a_name_pattern_matches_files_not_folders() -> None:
    """`credentials` (no slash) is a file name; a package folder of that name still completes."""
    assert not is_excluded("file:///ws/src/credentials/__init__.py", DEFAULTS, root="/ws")


def test_negations_cannot_unexclude() -> None:
    assert is_excluded("file:///p/.env", [".env", "!.env"])
    assert not is_excluded("file:///p/app.py", ["!app.py"])


def test_broken_globs_are_skipped_not_fatal() -> None:
    assert is_excluded("file:///p/.env", ["[unclosed", ".env"])


@pytest.fixture
def secret_and_link(tmp_path: Path) -> tuple[Path, Path, Path]:
    home = tmp_path / "home" / ".aws"
    home.mkdir(parents=True)
    secret = home / "credentials"
    secret.write_text("[default]\naws_secret_access_key = x\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    link = ws / "notes.txt"
    os.symlink(secret, link)
    return ws, link, secret


def test_a_symlink_to_a_secret_is_excluded(secret_and_link: tuple[Path, Path, Path]) -> None:
    ws, link, _ = secret_and_link
    assert is_excluded(link.as_uri(), DEFAULTS, root=str(ws))
    assert is_excluded(str(link), DEFAULTS, root=str(ws))


def test_a_symlinked_folder_is_followed(tmp_path: Path) -> None:
    ssh = tmp_path / "dot-ssh-target" / ".ssh"
    ssh.mkdir(parents=True)
    (ssh / "config").write_text("Host x\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    os.symlink(ssh, ws / "sshdir")
    assert is_excluded((ws / "sshdir" / "config").as_uri(), [".ssh/config"], root=str(ws))


def test_remote_uris_are_not_resolved_on_this_machine(
    secret_and_link: tuple[Path, Path, Path],
) -> None:
    _, link, _ = secret_and_link
    remote = "vscode-remote://ssh-remote%2Bbox" + str(link)
    assert not is_excluded(remote, DEFAULTS)


def test_a_file_that_becomes_a_link_to_a_secret_is_decided_again(tmp_path) -> None:
    from ds_lsp.completion.gating import Gate
    from ds_lsp.config import Settings

    secret = tmp_path / ".aws" / "credentials"
    secret.parent.mkdir()
    secret.write_text("aws_secret_access_key = AKIA-SECRET\n")
    notes = tmp_path / "notes.py"
    notes.write_text("x = 1\n")
    gate = Gate(Settings(), str(tmp_path))
    assert gate.excluded(notes.as_uri()) is False
    notes.unlink()
    notes.symlink_to(secret)  # a checkout swaps the file for a link
    assert gate.excluded(notes.as_uri()) is True


def test_a_path_that_cannot_be_resolved_counts_as_excluded() -> None:
    assert is_excluded("file:///p/notes%00.py", ["*.env"]) is True


def test_an_anchored_glob_applies_under_every_workspace_folder() -> None:
    folders = ["/ws/one", "/ws/two"]
    assert is_excluded("file:///ws/two/config/prod.py", ["/config/prod.py"], folders)
    assert is_excluded("file:///ws/one/config/prod.py", ["/config/prod.py"], folders)
    assert not is_excluded("file:///ws/two/src/config/prod.py", ["/config/prod.py"], folders)
    assert not is_excluded("file:///elsewhere/config/prod.py", ["/config/prod.py"], folders)


GITIGNORE = [
    ("*.pem", "/p/a/Server.PEM", True),
    ("id_?sa*", "/p/.ssh/id_rsa.pub", True),
    ("id_?sa*", "/p/.ssh/id_ed25519", False),
    ("[abc]ey.txt", "/p/bey.txt", True),
    ("[!abc]ey.txt", "/p/bey.txt", False),
    ("[!abc]ey.txt", "/p/key.txt", True),
    ("key[0-9].txt", "/p/key7.txt", True),
    ("\\*.txt", "/p/*.txt", True),
    ("\\*.txt", "/p/a.txt", False),
    ("\\#notes", "/p/#notes", True),
    ("#notes", "/p/#notes", False),
    ("[unclosed", "/p/[unclosed", True),
    ("a/**", "/p/a/b/c.py", True),
    ("a/**", "/p/a", False),
    ("**/deploy/*.yml", "/p/x/deploy/prod.yml", True),
    ("deploy/**/keys", "/p/deploy/keys", True),
    ("deploy/**/keys", "/p/deploy/a/b/keys/k.txt", True),
    ("a*b*c", "/p/aXbYc", True),
    ("a*b*c", "/p/aXcYb", False),
    ("*", "/p/anything.py", True),
]


@pytest.mark.parametrize(
    ("glob", "path", "excluded"),
    GITIGNORE,
    ids=[f"{g}->{p.rsplit('/', 1)[1]}" for g, p, _ in GITIGNORE],
)
def test_gitignore_glob_syntax(glob: str, path: str, excluded: bool) -> None:
    assert is_excluded(path, [glob], root="/p") is excluded


HOSTILE_GLOBS = [
    ("stars", "*a" * 40 + "*b", "/ws/" + "a" * 250),
    ("classes", "*[ab]" * 40 + "*c", "/ws/" + "ab" * 120),
    ("questions", "*?a" * 40 + "*b", "/ws/" + "a" * 250),
    ("folders", "**/a/" * 30 + "b", "/ws/" + "a/" * 200 + "c"),
    ("anchored", "/" + "*a" * 40 + "*b/**", "/ws/" + "a" * 250 + "/x.py"),
]


@pytest.mark.parametrize(
    ("glob", "path"), [(g, p) for _, g, p in HOSTILE_GLOBS], ids=[i for i, _, _ in HOSTILE_GLOBS]
)
def test_a_hostile_glob_is_matched_without_backtracking(glob: str, path: str) -> None:
    """A regex from such a glob backtracks for minutes (2**40 ways to place the stars);
    the glob matcher takes milliseconds. The bound is generous: a busy machine passes."""
    started = time.process_time()
    for _ in range(20):
        assert not is_excluded(path, [glob], root="/ws")
    assert time.process_time() - started < 5


def test_an_overlong_glob_is_refused() -> None:
    assert not is_excluded("/ws/" + "a" * 2000, ["a" * 2000], root="/ws")
    assert is_excluded("/ws/.env", ["a" * 2000, ".env"], root="/ws")
