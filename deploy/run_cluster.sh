#!/usr/bin/env bash
# A hosted classroom on one machine: N xent app processes on loopback, nginx in front of them
# (sticky sessions by cookie, websocket upgrades). Ctrl-C or SIGTERM stops everything.
#
#   deploy/run_cluster.sh                                  # 2 processes, http://127.0.0.1:8500
#   deploy/run_cluster.sh --backends 4 --listen 0.0.0.0:8080
#   XENT_BACKENDS=4 XENT_LISTEN=0.0.0.0:8080 deploy/run_cluster.sh   # the same, from env vars
#
# Needs Debian's nginx (apt-get install -y nginx); it runs in the foreground with its own
# config and a temporary prefix, never as the system service. Options: deploy/cluster.py -h.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1  # tiny matrices: extra BLAS threads only fight the sessions
exec python3 deploy/cluster.py "$@"
