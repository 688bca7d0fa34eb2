#!/bin/sh
# Builds and installs the leakguard binary with cargo; run from inside a git repository, it
# then installs leakguard's pre-commit hook there (chaining any hook already present).
set -eu
src=$(cd "$(dirname "$0")" && pwd)
cargo install --path "$src" --locked
bin="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin/leakguard"
[ -x "$bin" ] || bin=$(command -v leakguard)
if top=$(git rev-parse --show-toplevel 2>/dev/null); then
    if [ "$top" = "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)" ]; then
        echo "install.sh: not installing the hook into leakguard's own repository"
    else
        "$bin" install
    fi
else
    echo "install.sh: installed $bin; run \`leakguard install\` inside a repository to add the hook"
fi
