# What every leakguard hook shares; `leakguard install` writes it into each hook.
# Only pre-push sets `refs` (the standard input it hands on); never take it from the environment.
unset refs

# Stops here: a hook that exits non-zero stops git.
refuse() {
    printf 'leakguard: %s\nleakguard: the %s hook refuses to go on; `leakguard install` repairs it\n' "$1" "$hook" >&2
    exit 1
}

# Fail closed: run only a binary that proves it is a leakguard that understands this hook.
check_leakguard() {
    [ -e "$leakguard" ] || refuse "$leakguard is missing"
    [ -s "$leakguard" ] || refuse "$leakguard is empty"
    [ -x "$leakguard" ] || refuse "$leakguard is not executable"
    reply=$("$leakguard" hook-handshake 1 </dev/null) || reply=
    [ "$reply" = 'leakguard-hook-ok 1' ] || refuse "$leakguard did not answer as leakguard does"
}

# Sets `shell` and `opts` from a hook's #! line when it names a POSIX-family shell.
shebang_shell() {
    shell= opts= line=
    IFS= read -r line <"$1" || [ -n "$line" ] || return 0
    case $line in '#!'*) ;; *) return 0 ;; esac
    set -f
    set -- ${line#??}
    set +f
    if [ "${1##*/}" = env ] && [ $# -ge 2 ]; then shift; fi
    case ${1##*/} in sh | bash | dash | ash | ksh | mksh) ;; *) return 0 ;; esac
    [ $# -le 2 ] || return 0
    case ${2-} in '' | -[a-zA-Z]*) ;; *) return 0 ;; esac
    shell=$1 opts=${2-}
}

# Runs one hook as git would: only when it is an executable file, with this hook's arguments
# (and, for pre-push, the same refs on standard input). A chained shell script is run under
# this hook's own path as $0, as if git had started it: tools such as husky take the hook's
# name and their own folder from $0. A symlink runs from its own path, so that resolving $0
# still reaches the script it points to.
run_hook() {
    file=$1 how=$2
    shift 2
    [ -f "$file" ] || return 0
    if [ ! -x "$file" ]; then
        echo "leakguard: note: $file is not executable, so git would not run it; skipped" >&2
        return 0
    fi
    shell= opts=
    if [ "$how" = chained ] && [ ! -L "$file" ]; then shebang_shell "$file"; fi
    if [ -n "${refs+set}" ]; then
        printf '%s' "$refs" | invoke "$file" "$@"
    else
        invoke "$file" "$@"
    fi
}

invoke() {
    file=$1
    shift
    if [ -n "$shell" ]; then
        LEAKGUARD_CHAINED_HOOK=$file "$shell" $opts -c '. "$LEAKGUARD_CHAINED_HOOK"' "$0" "$@"
    else
        "$file" "$@"
    fi
}

# Runs, in order, the hooks this one stands in front of; stops at the first that fails.
chain() {
    case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
    for old in "$here/.leakguard-chained/$hook" "$here/$hook.leakguard-chained"; do
        if [ -e "$old" ]; then
            run_hook "$old" chained "$@" || return
            break
        fi
    done
    # A global hooks folder stops git from running the repository's own hooks: run its hook.
    [ "$global" = 1 ] && [ -z "${LEAKGUARD_GLOBAL_HOOK-}" ] || return 0
    if [ -z "${GIT_DIR-}" ] && [ -d .git ]; then
        repo_hooks=.git/hooks
    else
        repo_hooks=$(git rev-parse --git-common-dir)/hooks || return
    fi
    LEAKGUARD_GLOBAL_HOOK=1
    export LEAKGUARD_GLOBAL_HOOK
    run_hook "$repo_hooks/$hook" own "$@"
}
