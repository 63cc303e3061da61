"""The context block on small multi-file projects: the needed signature is there, distractors
rank below it, files on disk are read (never excluded ones), the budget holds, the opening
stays frozen while typing in one place."""

from __future__ import annotations

import builtins
import itertools
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ds_lsp.completion.other_files import render
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.window import build_window
from ds_lsp.workspace import Workspace, find_root
from ds_lsp.workspace.files import FileReader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


def never_secret(path: str) -> bool:
    return os.path.basename(path) == "credentials.py"


def cut_at(
    root: Path, rel: str, language: str, line: int, marker: str, store: DocumentStore | None = None
) -> tuple[Document, object, DocumentStore]:
    """Open `rel` cut right after `marker` on `line` (0-based), as the user is typing."""
    store = store or DocumentStore()
    lines = (root / rel).read_text().split("\n")
    col = lines[line].index(marker) + len(marker)
    text = "\n".join([*lines[:line], lines[line][:col]])
    doc = store.open((root / rel).as_uri(), language, 1, text)
    return doc, build_window(doc, line, col, 6000, 2000, 16), store


def block(
    root: Path,
    rel: str,
    language: str,
    line: int,
    marker: str,
    budget: int = 1500,
    open_too: tuple[tuple[str, str], ...] = (),
    **options,
) -> tuple[str, Workspace]:
    store = DocumentStore()
    for other, lang in open_too:
        store.open((root / other).as_uri(), lang, 1, (root / other).read_text())
    doc, window, store = cut_at(root, rel, language, line, marker, store)
    ws = Workspace([str(root)], options.pop("excluded", never_secret), **options)
    return render(ws.context_block(doc, window, list(store), budget), language), ws


CALLS = [
    pytest.param(
        "py",
        "app/views.py",
        "python",
        11,
        "link(",
        "def url_for(endpoint: str, *, _external: bool = False, **values: Any) -> str:",
        id="python-aliased-import",
    ),
    pytest.param(
        "py",
        "app/views.py",
        "python",
        10,
        "models.Session(",
        "    def __init__(self, db, user: User, autocommit: bool = False):",
        id="python-module-attribute-class-init",
    ),
    pytest.param(
        "py",
        "app/views.py",
        "python",
        10,
        "database.db(",
        "def db(url: str, pool_size: int = 5):",
        id="python-short-name-module-alias",
    ),
    pytest.param(
        "py",
        "app/views.py",
        "python",
        6,
        "Router(",
        'def __init__(self, prefix: str = "", strict_slashes: bool = True) -> None:',
        id="python-init-reexport",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        5,
        "new ApiClient(",
        "constructor(private readonly baseUrl: string, timeoutMs = 5000)",
        id="ts-export-star-index-constructor",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        8,
        "$fetch(",
        "export function $fetch(url: string, init?: RequestInit): Promise<Response>",
        id="ts-dollar-name",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        6,
        "fd(",
        'export function formatDate(d: Date, pattern = "yyyy-MM-dd"): string',
        id="ts-tsconfig-paths-alias",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        7,
        "dates.toIso(",
        "export const toIso = (d: Date, withMs = false): string =>",
        id="ts-namespace-import",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        7,
        "parse(",
        "export default function parseDate(text: string, strict?: boolean): Date",
        id="ts-default-import",
    ),
    pytest.param(
        "go",
        "cmd/server/main.go",
        "go",
        9,
        "store.NewStore(",
        "func NewStore(db *sql.DB, opts ...Option) *Store",
        id="go-module-package",
    ),
    pytest.param(
        "go",
        "cmd/server/main.go",
        "go",
        10,
        "handleGet(",
        "func handleGet(s *store.Store) http.HandlerFunc",
        id="go-same-package",
    ),
    pytest.param(
        "rust",
        "src/main.rs",
        "rust",
        7,
        "Config::new(",
        "pub fn new(path: &str, verbose: bool) -> Self",
        id="rust-use-crate-impl-new",
    ),
    pytest.param(
        "rust",
        "src/main.rs",
        "rust",
        8,
        "Client::connect(",
        "pub fn connect<'a>(addr: &'a str, timeout: Duration) -> io::Result<Self>",
        id="rust-mod-use-member",
    ),
    pytest.param(
        "java",
        "src/main/java/com/acme/App.java",
        "java",
        6,
        "new Greeter(",
        "public Greeter(String name, int times)",
        id="java-same-package-constructor",
    ),
    pytest.param(
        "java",
        "src/main/java/com/acme/App.java",
        "java",
        7,
        "Strings.pad(",
        "public static String pad(String s, int width, char fill)",
        id="java-import-static-method",
    ),
    pytest.param(
        "kotlin",
        "src/main/kotlin/com/acme/Main.kt",
        "kotlin",
        3,
        "Repo(",
        "data class Repo(val name: String, val stars: Int = 0)",
        id="kotlin-same-package",
    ),
    pytest.param(
        "c",
        "src/main.c",
        "c",
        5,
        "vec_push(",
        "int vec_push(vec_t *v, void *item);",
        id="c-quoted-include",
    ),
]


@pytest.mark.parametrize(("project", "rel", "language", "line", "marker", "expected"), CALLS)
def test_needed_signature_read_from_disk(
    project: str, rel: str, language: str, line: int, marker: str, expected: str
) -> None:
    text, ws = block(FIXTURES / project, rel, language, line, marker)
    assert expected in text
    assert ws.files.reads > 0  # nothing else was open: it came from the disk


def test_incidental_locals_rank_below_the_imported_definition() -> None:
    # aaa_helpers.py sorts first and binds `request`, `url_for` and `app` as locals only
    text, _ = block(
        FIXTURES / "py",
        "app/views.py",
        "python",
        11,
        "link(",
        open_too=(("app/aaa_helpers.py", "python"),),
    )
    assert "aaa_helpers" not in text
    assert "def url_for(endpoint: str" in text


def test_ts_local_const_is_no_definition() -> None:
    text, _ = block(
        FIXTURES / "ts",
        "src/app.ts",
        "typescript",
        5,
        "new ApiClient(",
        open_too=(("src/aaa.ts", "typescript"),),
    )
    assert "src/aaa.ts" not in text and "constructor(private readonly" in text


def test_excluded_file_is_never_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def os_spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(os, "open", os_spy)
    root = FIXTURES / "py"
    store = DocumentStore()
    lines = (root / "app/views.py").read_text().split("\n")
    text = "\n".join(lines[:12]) + "\n    token = token_for("
    doc = store.open((root / "app/views.py").as_uri(), "python", 1, text)
    window = build_window(doc, 12, len("    token = token_for("), 6000, 2000, 16)
    ws = Workspace([str(root)], never_secret)
    parts = ws.context_block(doc, window, list(store), 1500)
    assert not [p for p in opened if p.endswith("credentials.py")]
    assert "sk-never-sent" not in render(parts, "python")
    assert opened  # other files were read


def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def leak(a, b):\n    pass\n")
    root = tmp_path / "proj"
    root.mkdir()
    (root / ".git").mkdir()
    os.symlink(outside / "secret.py", root / "secret.py")
    (root / "main.py").write_text("from secret import leak\nleak(\n")
    text, _ws = block(root, "main.py", "python", 1, "leak(")
    assert "def leak" not in text


def test_disk_reading_can_be_turned_off() -> None:
    text, ws = block(FIXTURES / "py", "app/views.py", "python", 11, "link(", read_disk=False)
    assert text == "" and ws.files.reads == 0


def test_open_document_wins_over_the_disk(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "py", root)
    store = DocumentStore()
    store.open(
        (root / "app/routing.py").as_uri(),
        "python",
        3,
        "def url_for(endpoint, unsaved_param):\n    pass\n",
    )
    doc, window, store = cut_at(root, "app/views.py", "python", 11, "link(", store)
    ws = Workspace([str(root)], never_secret)
    text = render(ws.context_block(doc, window, list(store), 1500), "python")
    assert "def url_for(endpoint, unsaved_param):" in text


@pytest.mark.parametrize("budget", [120, 200, 400, 800, 1500])
def test_budget_holds_and_the_callee_is_trimmed_not_dropped(budget: int) -> None:
    store = DocumentStore()
    doc, window, store = cut_at(FIXTURES / "py", "app/views.py", "python", 11, "link(", store)
    ws = Workspace([str(FIXTURES / "py")], never_secret)
    parts = ws.context_block(doc, window, list(store), budget)
    cost = sum(len(path) + 6 + len(text) for path, text in parts)
    assert cost <= budget + 6 * len(parts)
    assert any("def url_for(endpoint" in text for _, text in parts)


def test_block_is_frozen_while_typing_and_a_new_callee_is_appended() -> None:
    root = FIXTURES / "py"
    store = DocumentStore()
    lines = (root / "app/views.py").read_text().split("\n")
    base = "\n".join(lines[:12]) + "\n    "
    doc = store.open((root / "app/views.py").as_uri(), "python", 1, base)
    ws = Workspace([str(root)], never_secret)
    openings = []
    typed = ""
    for ch in "x = database.connect(":
        typed += ch
        doc.text = type(doc.text)(base + typed)
        doc.version += 1
        window = build_window(doc, 12, 4 + len(typed), 6000, 2000, 16)
        openings.append(render(ws.context_block(doc, window, list(store), 1500), "python"))
    for earlier, later in itertools.pairwise(openings):
        assert later.startswith(earlier)  # the opening never changes, it only grows
    assert "def connect" not in openings[0]
    assert "def connect(url: str, *, timeout: float = 10.0, retries: int = 3):" in openings[-1]


def test_same_inputs_same_block() -> None:
    first, _ = block(FIXTURES / "ts", "src/app.ts", "typescript", 5, "new ApiClient(")
    second, _ = block(FIXTURES / "ts", "src/app.ts", "typescript", 5, "new ApiClient(")
    assert first == second


def test_find_root(tmp_path: Path) -> None:
    (tmp_path / "proj" / "pkg").mkdir(parents=True)
    (tmp_path / "proj" / "pyproject.toml").write_text("")
    assert find_root(str(tmp_path / "proj" / "pkg" / "m.py")) == str(tmp_path / "proj")
    assert find_root(str(FIXTURES / "go" / "cmd" / "server" / "main.go")) == str(FIXTURES / "go")


@pytest.mark.parametrize("call", ["cls(", "super(", "self(", "this(", "Self("])
def test_a_call_on_self_alone_is_looked_up_as_nothing(tmp_path, call: str) -> None:
    from ds_lsp.documents import DocumentStore
    from ds_lsp.window import build_window
    from ds_lsp.workspace import Workspace

    docs = DocumentStore()
    text = f"class A:\n    @classmethod\n    def make(cls):\n        return {call}\n"
    doc = docs.open((tmp_path / "a.py").as_uri(), "python", 1, text)
    ws = Workspace([str(tmp_path)], lambda path: False)
    window = build_window(doc, 3, len(f"        return {call}"), 6000, 2000, 64)
    assert ws.context_block(doc, window, [], 1500) == []
    assert ws.context_block(doc, window, [], 1500) == []  # the frozen block's append path


def test_a_file_on_disk_swapped_for_a_link_to_a_secret_is_not_read_again(tmp_path) -> None:
    from ds_lsp.documents import DocumentStore
    from ds_lsp.exclusion import is_excluded
    from ds_lsp.window import build_window
    from ds_lsp.workspace import Workspace

    (tmp_path / ".git").mkdir()
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(
        "def connect(aws_secret_access_key='AKIA-SECRET-VALUE'):\n    pass\n"
    )
    (tmp_path / "db.py").write_text("def connect(url, timeout=3):\n    pass\n")
    docs = DocumentStore()
    text = "from db import connect\n\n" + "\n" * 70 + "conn = connect("
    doc = docs.open((tmp_path / "main.py").as_uri(), "python", 1, text)
    excluded = ["credentials", ".aws/credentials", "*.env"]
    ws = Workspace([str(tmp_path)], lambda path: is_excluded(path, excluded, str(tmp_path)))
    line = text.count("\n")
    first = ws.context_block(doc, build_window(doc, line, 15, 6000, 2000, 64), [], 1500)
    assert "timeout=3" in render(first, "python")
    (tmp_path / "db.py").unlink()
    (tmp_path / "db.py").symlink_to(tmp_path / ".aws" / "credentials")
    moved = build_window(doc, line, 15, 60, 2000, 1)  # a new window start: rebuilt
    again = ws.context_block(doc, moved, [], 1500)
    assert "AKIA-SECRET-VALUE" not in render(again, "python")


def _ts_project_with_config(root: Path, tsconfig: str) -> None:
    shutil.copytree(FIXTURES / "ts", root)
    (root / "tsconfig.json").write_text(tsconfig)


HOSTILE_TSCONFIG = (
    '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}\n/* '
    + "/* x " * 12_600  # 63 KB: an unterminated comment full of comment openers
)


def test_tsconfig_with_an_unterminated_comment_still_gives_its_aliases(tmp_path: Path) -> None:
    root = tmp_path / "ts"
    _ts_project_with_config(root, HOSTILE_TSCONFIG)
    text, _ = block(root, "src/app.ts", "typescript", 6, "fd(")
    assert 'export function formatDate(d: Date, pattern = "yyyy-MM-dd"): string' in text


def test_tsconfig_is_read_once_while_it_does_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ts"
    _ts_project_with_config(root, HOSTILE_TSCONFIG)
    reads: list[str] = []
    real_read = FileReader.read_text

    def counting(self: FileReader, path: str, limit: int | None = None) -> str | None:
        reads.append(os.path.basename(path))
        return real_read(self, path, limit)

    monkeypatch.setattr(FileReader, "read_text", counting)
    store = DocumentStore()
    doc, _, store = cut_at(root, "src/app.ts", "typescript", 6, "fd(", store)
    ws = Workspace([str(root)], never_secret)
    for start in range(3):  # three rebuilt blocks (the window's start moved)
        window = replace(
            build_window(doc, 6, len("const when = fd("), 6000, 2000, 1), start_line=start
        )
        ws.context_block(doc, window, list(store), 1500)
    assert reads.count("tsconfig.json") == 1
    (root / "tsconfig.json").write_text('{"compilerOptions": {"baseUrl": "src"}}')
    os.utime(root / "tsconfig.json", ns=(1, 1))  # another (mtime, size): read again
    window = replace(window, start_line=9)
    ws.context_block(doc, window, list(store), 1500)
    assert reads.count("tsconfig.json") == 2


SETTINGS = '''"""Settings."""
SECRET_KEY = "django-insecure-abcdef0123456789"
DB_PASSWORD: str = 'hunter2-very-secret'
DATABASES = {"default": {"PASSWORD": "in-a-dict-too"}}
DEBUG = True
TIMEOUT = 30


class Mail:
    host: str = "smtp.example.com"
    password: str = "mail-pass-secret"
'''


def test_outlines_of_files_on_disk_keep_names_and_types_but_no_string_values(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "settings.py").write_text(SETTINGS)
    main = (
        "from settings import SECRET_KEY, DB_PASSWORD, DATABASES, DEBUG, TIMEOUT, Mail\n\n"
        "x = (SECRET_KEY, DB_PASSWORD, DATABASES, DEBUG, TIMEOUT, Mail("
    )
    (tmp_path / "main.py").write_text(main)
    text, _ = block(tmp_path, "main.py", "python", 2, "Mail(")
    for secret in ("django-insecure", "hunter2", "in-a-dict-too", "mail-pass-secret"):
        assert secret not in text
    for declaration in (
        "SECRET_KEY: str = ...",
        "DB_PASSWORD: str = ...",
        "DATABASES = ...",
        "TIMEOUT = 30",
        "password: str = ...",
    ):
        assert declaration in text


def test_an_open_document_keeps_its_values(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "settings.py").write_text(SETTINGS)
    (tmp_path / "main.py").write_text("from settings import SECRET_KEY\n\nx = SECRET_KEY")
    text, _ = block(
        tmp_path, "main.py", "python", 2, "SECRET_KEY", open_too=(("settings.py", "python"),)
    )
    assert 'SECRET_KEY = "django-insecure-abcdef0123456789"' in text


def _held_bytes(count: int, tmp_path: Path) -> int:
    """Bytes the workspace holds after a context block in each of `count` open files."""
    import gc
    import tracemalloc

    store = DocumentStore()
    docs = []
    for i in range(count):
        text = f"from pkg.m{(i + 1) % count} import f{(i + 1) % count}\n\ndef f{i}(a, b):\n"
        text += f"    return f{(i + 1) % count}("
        docs.append(store.open((tmp_path / "pkg" / f"m{i}.py").as_uri(), "python", 1, text))
    ws = Workspace([str(tmp_path)], never_secret, read_disk=False)
    gc.collect()
    tracemalloc.start()
    for doc in docs:
        window = build_window(doc, 3, len(doc.line_text(3)), 6000, 2000, 16)
        ws.context_block(doc, window, list(store), 1500)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return held


def test_memory_grows_linearly_with_open_documents(tmp_path: Path) -> None:
    # warm-up: the paths' parts are interned once, so the table of interned strings does not
    # grow inside a measurement (that growth depends on what ran before in the process)
    _held_bytes(240, tmp_path)
    small, large = _held_bytes(60, tmp_path), _held_bytes(240, tmp_path)
    assert large < 5.5 * small  # linear: about 4x; one key per document over all: 16x


DECLARATIONS = [
    pytest.param(
        "py",
        "app/views.py",
        "python",
        11,
        "link(",
        "def url_for(endpoint: str, *, _external: bool = False, **values: Any) -> str: ...",
        id="python-stub",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        5,
        "new ApiClient(",
        "export class ApiClient {\n"
        "  constructor(private readonly baseUrl: string, timeoutMs = 5000);",
        id="ts-class-with-constructor",
    ),
    pytest.param(
        "ts",
        "src/app.ts",
        "typescript",
        8,
        "$fetch(",
        "export function $fetch(url: string, init?: RequestInit): Promise<Response>;",
        id="ts-function-declaration",
    ),
    pytest.param(
        "java",
        "src/main/java/com/acme/App.java",
        "java",
        6,
        "new Greeter(",
        "public Greeter(String name, int times);\n}",
        id="java-constructor-in-its-class",
    ),
]


@pytest.mark.parametrize(("project", "rel", "language", "line", "marker", "expected"), DECLARATIONS)
def test_context_is_rendered_as_declarations(
    project: str, rel: str, language: str, line: int, marker: str, expected: str
) -> None:
    text, _ = block(FIXTURES / project, rel, language, line, marker)
    assert expected in text


FAMILIES = [
    pytest.param(
        {
            "pkg/__init__.py": "",
            "pkg/base.py": "class Base:\n    def __init__(self, url: str, retries: int = 3):\n"
            "        self.url = url\n",
            "pkg/client.py": "from .base import Base\n\n\nclass Client(Base):\n"
            '    """A client."""\n\n    def get(self, path):\n        pass\n',
            "main.py": "from pkg.client import Client\n\nc = Client(",
        },
        "main.py",
        "python",
        "# inherited from Base\n    def __init__(self, url: str, retries: int = 3): ...",
        id="python-inherited-init",
    ),
    pytest.param(
        {
            "src/base.ts": "export class Base {\n  constructor(url: string, retries = 3) {}\n}\n",
            "src/client.ts": 'import { Base } from "./base";\nexport class Client extends Base {\n'
            "  get(path: string) {}\n}\n",
            "src/main.ts": 'import { Client } from "./client";\nconst c = new Client(',
        },
        "src/main.ts",
        "typescript",
        "// inherited from Base\n  constructor(url: string, retries = 3);",
        id="ts-inherited-constructor",
    ),
    pytest.param(
        {
            "lib/compare.js": "const x = 1\nconst compare = (a, b, loose) =>\n  a - b\n"
            "module.exports = compare\n",
            "lib/gt.js": "const compare = require('./compare')\nconst gt = (a, b) => compare(",
        },
        "lib/gt.js",
        "javascript",
        "const compare = (a, b, loose) =>",
        id="commonjs-module-exports",
    ),
    pytest.param(
        {
            "index.js": "const parse = require('./parse')\n"
            "module.exports = { parse, valid: parse }\n",
            "parse.js": "exports.parse = function (version, options, throwErrors) {\n"
            "  return 1\n}\n",
            "use.js": "const semver = require('./index')\nsemver.parse(",
        },
        "use.js",
        "javascript",
        "exports.parse = function (version, options, throwErrors)",
        id="commonjs-exports-through-an-index",
    ),
    pytest.param(
        {
            "source/utils/type-guards.ts": "export function isNetworkError(error: unknown)"
            ": error is Error {\n  return true;\n}\n",
            "source/index.ts": "export {\n\tisHTTPError,\n\tisNetworkError,\n}"
            " from './utils/type-guards.js';\n",
            "test/hooks.ts": "import {isNetworkError} from '../source/index.js';\nisNetworkError(",
        },
        "test/hooks.ts",
        "typescript",
        "export function isNetworkError(error: unknown): error is Error;",
        id="ts-multi-line-barrel-export",
    ),
    pytest.param(
        {
            **{
                f"core/part{i}.ts": f"export function other{i}(a: number) {{}}\n" for i in range(14)
            },
            "core/schemas.ts": "export function string(params?: string | Params): ZodString {\n"
            "  return x;\n}\n",
            "core/index.ts": "".join(f'export * from "./part{i}.js";\n' for i in range(14))
            + 'export * from "./schemas.js";\n',
            "app.ts": 'import * as z from "./core/index.js";\nconst s = z.string(',
        },
        "app.ts",
        "typescript",
        "export function string(params?: string | Params): ZodString;",
        id="ts-namespace-member-behind-many-export-stars",
    ),
    pytest.param(
        {
            "codegen.ts": "export function or(...args: Code[]): Code {\n  return args[0];\n}\n",
            "use.ts": 'import { or } from "./codegen";\nconst c = or(',
        },
        "use.ts",
        "typescript",
        "export function or(...args: Code[]): Code;",
        id="ts-function-named-like-a-keyword",
    ),
    pytest.param(
        {
            "ref_error.ts": "export default class MissingRefError extends Error {\n"
            "  constructor(resolver: R, baseId: string, ref: string, msg?: string) {\n"
            "    super(msg);\n  }\n}\n",
            "use.ts": 'import MissingRefError from "./ref_error";\nthrow new MissingRefError(',
        },
        "use.ts",
        "typescript",
        "constructor(resolver: R, baseId: string, ref: string, msg?: string);",
        id="ts-default-exported-class-constructor",
    ),
    pytest.param(
        {
            "pkg/__init__.py": "",
            "pkg/_typing.py": "def assert_unreachable(message: str) -> NoReturn:\n    raise\n",
            "pkg/basic.py": "from pkg._typing import (\n    AnyStr,  # Removed in 3.18.\n"
            "    assert_unreachable,\n)\n\nassert_unreachable(",
        },
        "pkg/basic.py",
        "python",
        "def assert_unreachable(message: str) -> NoReturn: ...",
        id="python-import-list-with-a-comment",
    ),
    pytest.param(
        {
            "ns/tools/strings.py": "def slugify(text: str, sep: str = '-') -> str:\n    return t\n",
            "app.py": "import ns.tools.strings as s\n\nslug = s.slugify(",
        },
        "app.py",
        "python",
        "def slugify(text: str, sep: str = '-') -> str: ...",
        id="python-namespace-package-module-alias",
    ),
    pytest.param(
        {
            "pyproject.toml": "[project]\nname = 'shop'\n",
            "src/shop/__init__.py": "from shop._cart import Cart\n\n__all__ = ['Cart']\n",
            "src/shop/_cart.py": "class Cart:\n"
            "    def __init__(self, owner: str, *, limit: int = 10):\n        pass\n",
            "tests/test_cart.py": "from shop import Cart\n\n\ndef test_cart():\n    c = Cart(",
        },
        "tests/test_cart.py",
        "python",
        "def __init__(self, owner: str, *, limit: int = 10): ...",
        id="python-src-layout-test-imports-the-package-by-name",
    ),
    pytest.param(
        {
            "go.mod": "module example.com/app\n\ngo 1.22\n",
            "internal/store/store.go": "package store\n\n// Item is one.\ntype Item struct {\n"
            "\tID string\n\tPrice int64\n}\n\nfunc Save(ctx context.Context, it Item) error {\n"
            "\treturn nil\n}\n",
            "cmd/main.go": 'package main\n\nimport "example.com/app/internal/store"\n\n'
            "func main() {\n\terr := store.Save(",
        },
        "cmd/main.go",
        "go",
        "func Save(ctx context.Context, it Item) error",
        id="go-package-member",
    ),
    pytest.param(
        {
            "pkg/__init__.py": "__all__ = ['sub']\n\n\ndef __getattr__(name):\n"
            "    return importlib.import_module(f'.{name}', __name__)\n",
            "pkg/sub.py": "def func(alpha: int, beta: str = 'b') -> None:\n    pass\n",
            "app.py": "import pkg\n\npkg.sub.func(",
        },
        "app.py",
        "python",
        "def func(alpha: int, beta: str = 'b') -> None: ...",
        id="python-lazy-submodule-listed-in-all",
    ),
]


def test_an_import_at_the_end_of_a_module_is_followed(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "ds.py").write_text(
        "class Range:\n    def __init__(self, units, ranges):\n"
    )
    body = ["def f(x):", "    return x", ""] * 200
    lines = ["import re", "", *body, "def parse(units, ranges):", "    return ds.Range(", ""]
    lines += [*body, "from . import ds  # noqa: E402 (a cycle)", ""]
    (tmp_path / "pkg" / "http.py").write_text("\n".join(lines))
    store = DocumentStore()
    doc = store.open((tmp_path / "pkg" / "http.py").as_uri(), "python", 1, "\n".join(lines))
    row = lines.index("    return ds.Range(")
    window = build_window(doc, row, len(lines[row]), 6000, 2000, 16)
    ws = Workspace([str(tmp_path)], never_secret)
    text = render(ws.context_block(doc, window, [], 1500), "python")
    assert "def __init__(self, units, ranges): ..." in text


@pytest.mark.parametrize(("files", "rel", "language", "expected"), FAMILIES)
def test_the_definition_the_cursor_calls(
    tmp_path: Path, files: dict[str, str], rel: str, language: str, expected: str
) -> None:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    lines = files[rel].split("\n")
    text, _ = block(tmp_path, rel, language, len(lines) - 1, lines[-1])
    assert expected in text


def test_a_big_file_on_disk_is_outlined_around_the_name(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    pkg = tmp_path / "lib" / "matchers"
    pkg.mkdir(parents=True)
    filler = "".join(
        f'def gen_{i}(node, strict=False):\n    """Generated."""\n' for i in range(6000)
    )
    (pkg / "__init__.py").write_text(
        "from lib.matchers._base import (\n    ZeroOrMore,\n    AtLeastN,\n)\n"
        + filler
        + 'TOKEN = "big-file-secret-value"\n'
        + "def MatchMetadata(key, value, *, strict: bool = True):\n    pass\n"
    )
    assert (pkg / "__init__.py").stat().st_size > 256 * 1024
    (pkg / "_base.py").write_text("class ZeroOrMore:\n    def __init__(self, matcher, n=0):\n")
    text = "import lib.matchers as m\n\nx = m.ZeroOrMore(m.MatchMetadata(m.TOKEN, "
    (tmp_path / "app.py").write_text(text)
    block_text, _ = block(tmp_path, "app.py", "python", 2, "m.ZeroOrMore(m.MatchMetadata(")
    assert "def MatchMetadata(key, value, *, strict: bool = True): ..." in block_text
    zero, _ = block(tmp_path, "app.py", "python", 2, "m.ZeroOrMore(")
    assert "def __init__(self, matcher, n=0): ..." in zero
    assert "big-file-secret-value" not in block_text + zero


def test_a_backslash_continued_import_is_followed(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg" / "api").mkdir(parents=True)
    (tmp_path / "pkg" / "api" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "api" / "environment.py").write_text(
        "def get_system_environment(version, *, env_vars=None):\n    pass\n"
    )
    (tmp_path / "pkg" / "__init__.py").write_text(
        "from pkg.api.environment import find_virtualenvs, \\\n    get_system_environment\n"
    )
    (tmp_path / "app.py").write_text(
        "from pkg import get_system_environment\n\nget_system_environment("
    )
    text, _ = block(tmp_path, "app.py", "python", 2, "get_system_environment(")
    assert "def get_system_environment(version, *, env_vars=None): ..." in text
