#!/usr/bin/env bash
# The test command (README.md, .ci/run): on a Debian/Ubuntu machine, installs what is missing
# (apt-get, as root or through sudo), builds and installs hangar_fdw, then runs every test as a
# non-root user on a throwaway cluster (test/run-tests.sh). Exits non-zero if any test fails.
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"
hangar_require_packages
hangar_build_install "$tree"
hangar_run_unprivileged "$tree" test/run-tests.sh
