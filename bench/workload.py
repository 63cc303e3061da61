"""Deterministic source files for the scenarios: generated Python and the files to type
(30 lines of Python, 31 of TypeScript).

Every generated line carries its function's number, so the mock's "model" (which continues
a prompt by finding its last 300 characters in the known file) finds one place only.
"""

from __future__ import annotations

TYPED_FILE = '''import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Inventory:
    """Items in stock, loaded from and saved to a JSON file."""

    path: Path
    items: dict[str, int] = field(default_factory=dict)

    def load(self) -> None:
        if self.path.exists():
            self.items = json.loads(self.path.read_text())

    def save(self) -> None:
        self.path.write_text(json.dumps(self.items, indent=2))

    def add(self, name: str, count: int = 1) -> int:
        self.items[name] = self.items.get(name, 0) + count
        return self.items[name]

    def remove(self, name: str, count: int = 1) -> int:
        left = self.items.get(name, 0) - count
        if left <= 0:
            self.items.pop(name, None)
            return 0
        self.items[name] = left
        return left
'''


TYPED_TS = """import { readFile, writeFile } from "node:fs/promises";

export interface Item {
  name: string;
  count: number;
}

export class Inventory {
  private items = new Map<string, number>();

  constructor(private readonly path: string) {}

  async load(): Promise<void> {
    const text = await readFile(this.path, "utf8");
    const list: Item[] = JSON.parse(text);
    for (const item of list) {
      this.items.set(item.name, item.count);
    }
  }

  add(name: string, count = 1): number {
    const total = (this.items.get(name) ?? 0) + count;
    this.items.set(name, total);
    return total;
  }

  async save(): Promise<void> {
    const list = [...this.items].map(([name, count]) => ({ name, count }));
    await writeFile(this.path, JSON.stringify(list, null, 2));
  }
}
"""

# the typing replay's files: name -> (text, file name, language id)
TYPED = {
    "python": (TYPED_FILE, "typed.py", "python"),
    "typescript": (TYPED_TS, "typed.ts", "typescript"),
}


def python_source(n_lines: int, tag: str = "m") -> str:
    """`n_lines` lines of plausible Python, about 50 characters a line."""
    out: list[str] = []
    i = 0
    while len(out) < n_lines:
        out += [
            f"def {tag}_transform_{i}(records, factor={i % 7 + 2}, limit={i * 3 % 101}):",
            f'    """Scale the records of batch {i} and drop the small ones."""',
            f"    result_{i} = []",
            "    for position, record in enumerate(records):",
            f"        adjusted = record.value * factor + position % {i % 11 + 1}",
            f"        if adjusted > limit and record.kind != 'skip_{i}':",
            f"            result_{i}.append((record.name, adjusted))",
            "        elif record.optional:",
            f"            log.debug('batch {i} skipped %s', record.name)",
            f"    return sorted(result_{i}, key=lambda item: item[1])",
            "",
        ]
        i += 1
    return "\n".join(out[:n_lines]) + "\n"


def keystrokes(lines: list[str]) -> list[tuple[str, bool]]:
    """The edits that type `lines`: one per character, Enter carrying the next line's
    indentation (an editor's auto-indent); (text, ends_a_line)."""
    keys: list[tuple[str, bool]] = []
    for n, line in enumerate(lines):
        body = line.lstrip(" ") if n else line
        keys += [(ch, False) for ch in body]
        if n + 1 < len(lines):
            nxt = lines[n + 1]
            keys.append(("\n" + nxt[: len(nxt) - len(nxt.lstrip(" "))], True))
    return keys
