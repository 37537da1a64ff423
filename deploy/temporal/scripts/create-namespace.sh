#!/bin/sh
# Waits for the Temporal frontend, then makes sure the namespace Ponte uses exists.
set -eu
ns="${DEFAULT_NAMESPACE:-default}"
for i in $(seq 1 30); do
  temporal operator cluster health --address "${TEMPORAL_ADDRESS}" && break
  echo "Temporal not healthy yet ($i/30)"; sleep 3
done
temporal operator namespace describe -n "$ns" --address "${TEMPORAL_ADDRESS}" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --address "${TEMPORAL_ADDRESS}"
echo "Namespace $ns ready"
