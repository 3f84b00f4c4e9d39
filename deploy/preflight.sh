#!/usr/bin/env bash
# Deploy-pipeline preflight: check the target (this host, or an image root) against a contract
# and stop the rollout on violations.
#   deploy/preflight.sh CONTRACT [ROOT] [ENV_FILE]
# Exit status: 0 the contract holds, 1 violations (stop the rollout), 2 invalid contract or usage.
set -uo pipefail
contract=${1:?usage: preflight.sh CONTRACT [ROOT] [ENV_FILE]}
root=${2:-/}
args=(check "$contract" --root "$root")
[ -n "${3:-}" ] && args+=(--env-file "$3")
hostcontract=${HOSTCONTRACT:-hostcontract}
"$hostcontract" "${args[@]}"
status=$?
case $status in
    0) echo "preflight: contract holds on $root; rollout may proceed" ;;
    1) echo "preflight: contract violated on $root; stopping the rollout" >&2 ;;
    *) echo "preflight: cannot check (status $status); stopping the rollout" >&2 ;;
esac
exit $status
