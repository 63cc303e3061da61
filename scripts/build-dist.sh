#!/usr/bin/env bash
# Build what a user installs, into dist/ (gitignored), and try it as a user would:
#   - the wheel and the sdist (`python -m build`);
#   - the wheel installed into a fresh virtualenv: `ds-lsp --version`, then `ds-lsp check`
#     against tests/mock_deepseek.py on 127.0.0.1 (nothing leaves this machine);
#   - the VS Code extension: ESLint, `tsc --noEmit`, then the .vsix (server bundled inside).
# Needs Python >= 3.11 with `build` (pip install -e '.[test]'), and Node.js >= 20 with npm.
# Run from anywhere; exit status non-zero, with the reason, when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
DIST=$PWD/dist
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ds-lsp-dist.XXXXXX")
MOCK_PID=""
cleanup() {
  if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[build-dist] %s\n' "$*"; }
die() { printf '[build-dist] FAILED: %s\n' "$*" >&2; exit 1; }

log "wheel and sdist -> dist/"
rm -rf "$DIST"
"$PYTHON" -m build --outdir "$DIST" . >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "python -m build"; }
WHEEL=$(ls "$DIST"/ds_lsp-*-py3-none-any.whl)
ls "$DIST"/ds_lsp-*.tar.gz >/dev/null || die "no sdist in dist/"

log "the wheel in a fresh virtualenv"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL" || die "pip install $WHEEL"
VERSION=$(cd "$WORK" && "$WORK/venv/bin/ds-lsp" --version) || die "ds-lsp --version"
log "ok: $VERSION"

log "ds-lsp check against the local mock API"
"$PYTHON" -m tests.mock_deepseek --port 0 --port-file "$WORK/port" --fim-text " a + b" 2>"$WORK/mock.log" &
MOCK_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || die "the mock API did not start: $(cat "$WORK/mock.log")"
CHECK=$(cd "$WORK" && env -u PYTHONPATH HOME="$WORK/home" XDG_STATE_HOME="$WORK/state" \
  DEEPSEEK_API_KEY=sk-ci-smoke-test DEEPSEEK_BASE_URL="http://127.0.0.1:$(cat "$WORK/port")/beta" \
  "$WORK/venv/bin/ds-lsp" check) || die "ds-lsp check from the wheel: $CHECK"
case "$CHECK" in *"Result: ds-lsp is ready."*) ;; *) die "ds-lsp check said: $CHECK" ;; esac
log "ok: $(printf '%s\n' "$CHECK" | grep '^FIM:')"

log "VS Code extension: npm ci, ESLint, tsc --noEmit, .vsix"
cd vscode-extension
npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1 || { tail -30 "$WORK/npm.log"; die "npm ci"; }
npm run lint || die "ESLint"
npm run typecheck || die "tsc --noEmit"
rm -f ds-lsp.vsix
npm run package >"$WORK/vsix.log" 2>&1 || { tail -30 "$WORK/vsix.log"; die "npm run package"; }
cp ds-lsp.vsix "$DIST/ds-lsp.vsix"
log "done: $(cd "$DIST" && ls | tr '\n' ' ')"
