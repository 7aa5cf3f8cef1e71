#!/usr/bin/env bash
# The cold-setup test: every setup script, run against a cache root that does not exist yet
# (nested several levels deep, as on a bare machine where ~/.cache is missing), must create what
# it writes into, print its folder, and leave behind something that runs. Go's own module and
# build caches stay warm, so the Go builds only relink; the npm cache stays warm too.
#
# Usage: bash tests/setup/cold-setup.sh    (part of scripts/test.sh; about 100 s)
# Env: PIM_COLD_KEEP=true keeps the temporary folder for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "cold-setup: $*" >&2; }
failures=0
fail() {
  say "FAIL: $*"
  failures=$((failures + 1))
}
# expect_dir_under OUTPUT ROOT WHAT: the script printed one folder, and it lies under ROOT.
expect_dir_under() {
  local out=$1 root=$2 what=$3
  if [ "$(printf '%s\n' "$out" | wc -l)" != 1 ] || [ ! -d "$out" ]; then
    fail "$what printed '$out' on stdout, not one folder that exists"
    return 1
  fi
  case "$out" in
    "$root"/*) ;;
    *) fail "$what printed $out, which is not under the cache root $root" && return 1 ;;
  esac
}

base=$(mktemp -d)
if [ "${PIM_COLD_KEEP:-}" = true ]; then say "keeping $base"; else trap 'rm -rf "$base"' EXIT; fi
export PIM_CACHE_DIR="$base/not/there/yet"
# Nothing of the caller's may satisfy a script without it doing its work: no pulumi on PATH.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/pulumi" ] || printf '%s:' "$d"; done)
export PATH="${PATH%:}"
[ ! -e "$base/not" ] || { say "error: $base/not exists before the test"; exit 1; }
say "cache root (missing): $PIM_CACHE_DIR"

timings=()
run_check() { # run_check NAME FUNCTION: run one check, record its seconds
  local started=$SECONDS
  say "--- $1"
  "$2" || true
  timings+=("$1: $((SECONDS - started)) s")
}

check_node() {
  local major out
  for major in 22 24; do
    out=$(bash scripts/node.sh ensure "$major") || { fail "node.sh ensure $major exited $?"; continue; }
    expect_dir_under "$out" "$PIM_CACHE_DIR" "node.sh ensure $major" || continue
    case "$("$out/node" --version)" in
      "v$major."*) say "node.sh ensure $major: $out/node is $("$out/node" --version)" ;;
      *) fail "$out/node --version is not v$major.*" ;;
    esac
  done
}

check_pulumi() {
  local out v
  out=$(bash scripts/pulumi-cli.sh ensure) || { fail "pulumi-cli.sh ensure exited $?"; return; }
  expect_dir_under "$out" "$PIM_CACHE_DIR" "pulumi-cli.sh ensure" || return
  v=$("$out/pulumi" version) || { fail "$out/pulumi version exited $?"; return; }
  [ "$v" = "$(bash scripts/pulumi-cli.sh version)" ] || fail "pulumi version says $v, not $(bash scripts/pulumi-cli.sh version)"
  # The engine finds language hosts on PATH and beside its own executable: both must be there
  # and start (each answers an unknown flag with its usage and exit 2, before serving).
  local host rc
  for host in pulumi-language-nodejs pulumi-language-yaml pulumi-resource-pulumi-nodejs; do
    [ -x "$out/$host" ] || { fail "$out/$host is missing"; continue; }
  done
  for host in pulumi-language-nodejs pulumi-language-yaml; do
    rc=0
    "$out/$host" -no-such-flag >/dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || fail "$out/$host -no-such-flag exited $rc, not 2 (its flag parser): it does not run"
  done
  say "pulumi-cli.sh ensure: $out, pulumi $v, language hosts nodejs and yaml found"
  # The nodejs-only form (the demo's) answers from the same folder.
  [ "$(bash scripts/pulumi-cli.sh bin-dir nodejs)" = "$out" ] || fail "pulumi-cli.sh bin-dir nodejs does not print $out"
}

check_actionlint() {
  local bin="$PIM_CACHE_DIR/actionlint-v1.7.7/actionlint"
  local rc=0
  bash scripts/lint-pipelines.sh || rc=$?
  [ "$rc" = 0 ] || { fail "lint-pipelines.sh exited $rc with a missing cache root"; return; }
  [ -x "$bin" ] || { fail "lint-pipelines.sh did not build actionlint into $bin"; return; }
  "$bin" -version >/dev/null || fail "$bin -version exited $?"
  say "lint-pipelines.sh: actionlint built into $bin and the pipelines pass"
}

check_tofu() {
  local out config v
  out=$(bash scripts/tofu.sh ensure) || { fail "tofu.sh ensure exited $?"; return; }
  expect_dir_under "$out" "$PIM_CACHE_DIR" "tofu.sh ensure" || return
  [ "$(bash scripts/tofu.sh bin-dir)" = "$out" ] || fail "tofu.sh bin-dir does not print $out"
  config=$(bash scripts/tofu.sh cli-config) || { fail "tofu.sh cli-config exited $?"; return; }
  grep -qF "\"$out\"" "$config" || fail "$config does not point dev_overrides at $out"
  # The whole output first: `| head -n 1` under pipefail failed once with SIGPIPE (exit 141).
  v=$(TF_CLI_CONFIG_FILE="$config" "$out/tofu" version) || { fail "$out/tofu version exited $?"; return; }
  v=${v%%$'\n'*}
  [ "$v" = "OpenTofu v1.10.6" ] || fail "$out/tofu version says '$v', not 'OpenTofu v1.10.6'"
  # A provider started by hand says it is a plugin, and exits 1.
  local said
  said=$("$out/terraform-provider-openstack" 2>&1 || true)
  case "$said" in *"This binary is a plugin"*) ;; *) fail "$out/terraform-provider-openstack does not run: $said" ;; esac
  say "tofu.sh ensure: $out, $v, terraform-provider-openstack beside it, CLI configuration $config"
}

free_port() { # free_port FROM: the first port from FROM on that nothing listens on
  local p=$1
  while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
  echo "$p"
}

# A second local cloud, state folder missing and nested, on ports of its own (the first one
# may be running), then taken down and deleted.
check_local_cloud() {
  local dir="$base/not/there/yet/either/cloud" env owner_project
  export LOCAL_CLOUD_DIR=$dir LOCAL_CLOUD_PG_PORT=$(free_port 15532) LOCAL_CLOUD_KEYSTONE_PORT=$(free_port 15100)
  export LOCAL_CLOUD_GLANCE_PORT=$(free_port 19392)
  local rc=0
  bash scripts/local-cloud.sh up || rc=$?
  if [ "$rc" != 0 ]; then
    fail "local-cloud.sh up exited $rc with a missing state folder"
  else
    env=$(bash scripts/local-cloud.sh env owner) || fail "local-cloud.sh env owner found no env file"
    case "$env" in "$dir"/*) ;; *) fail "local-cloud.sh env owner printed $env, not a file under $dir" ;; esac
    owner_project=$(sed -n 's/^export OS_PROJECT_ID=//p' "$env")
    [ -n "$owner_project" ] || fail "$env has no OS_PROJECT_ID"
    curl -fsS -o /dev/null -m 10 "http://127.0.0.1:$LOCAL_CLOUD_GLANCE_PORT/versions" ||
      fail "the second Glance does not answer on $LOCAL_CLOUD_GLANCE_PORT"
    say "local-cloud.sh up: state in $dir, owner project $owner_project, Glance on $LOCAL_CLOUD_GLANCE_PORT"
  fi
  bash scripts/local-cloud.sh reset >/dev/null 2>&1 || fail "local-cloud.sh reset of the second cloud exited $?"
  unset LOCAL_CLOUD_DIR LOCAL_CLOUD_PG_PORT LOCAL_CLOUD_KEYSTONE_PORT LOCAL_CLOUD_GLANCE_PORT
}

run_check "node.sh ensure 22 and 24" check_node
run_check "pulumi-cli.sh ensure (CLI, Node.js and YAML language hosts)" check_pulumi
run_check "tofu.sh ensure (OpenTofu and terraform-provider-openstack)" check_tofu
run_check "lint-pipelines.sh (actionlint build)" check_actionlint
run_check "local-cloud.sh up, env, reset (a second cloud)" check_local_cloud
# scripts/install-examples.sh writes into examples/node_modules and node_modules, which a fresh
# clone does not have: CI's own run from a fresh clone is that test (npm test calls it first).

printf '%s\n' "${timings[@]}" | sed 's/^/cold-setup: /' >&2
if [ "$failures" -gt 0 ]; then
  say "$failures check(s) failed"
  exit 1
fi
say "every setup script created its folders under a missing cache root, and what it provides runs"
