#!/usr/bin/env bash
# About 20 s of the seeded SQL-level fuzzer (test/fuzz/run) against the suite's
# cluster: mutated kpi_ratio and weekly_state text and binary input and
# serialized raw-row states must each give a value that round-trips or an
# allowed SQLSTATE, and the server must neither crash nor restart.  The seed is
# random and printed; FUZZ_SEED replays a run, FUZZ_SECONDS changes its length.
# Without PGHOST (run on its own) the runner starts a throwaway cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
FUZZ_SECONDS=${FUZZ_SECONDS:-20} exec bash test/fuzz/run
