#!/usr/bin/env bash
# Tasks per second of `scrutineer sweep` under mpirun with 1 and 2 task-running ranks (-np 2 and
# -np 3: rank 0 only schedules) and of the local pool, on N small score-audit tasks; then one long
# task (a daily backtest of a year on the synthetic city) whole and split ([split]) in 2 and 4
# parts, on the local pool and under mpirun.
#   bench/sweep_mpi.sh [build/release/apps/cli/scrutineer] [tasks] [split: 1 = run the split part]
set -euo pipefail
cli=$(realpath "${1:-build/release/apps/cli/scrutineer}") n=${2:-48} split=${3:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_plm=isolated
export OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ echo "race,flag,outcome"; for i in $(seq 0 199); do echo "$([ $((i % 2)) = 1 ] && echo A || echo B),$((i % 3 == 0)),$((i % 5 < 2))"; done; } > "$tmp/people.csv"
printf '[recipe.scores]\npath = "people.csv"\nflag = "flag"\noutcome = "outcome"\ngroups = ["race"]\nbootstrap = 100\nmin_cell = 0\n[axes]\n"scores.seed" = { from = 1, to = %d }\n' "$n" > "$tmp/s.toml"
run() {  # label, command... : the fastest of 3 runs (the machine is shared)
  local label=$1; shift
  local best=""
  for _ in 1 2 3; do
    rm -rf "$tmp/out"
    local t0 t1
    t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" 'BEGIN { d = b - a; print (c == "" || d < c) ? d : c }')
  done
  awk -v l="$label" -v n="$n" -v d="$best" 'BEGIN { printf "%-34s %6.2f s  %6.1f tasks/s  %6.2f ms/task\n", l, d, n / d, 1000 * d / n }'
}
run "local, 1 worker" "$cli" -q --threads 1 sweep "$tmp/s.toml" --no-mpi -o "$tmp/out"
run "local, 2 workers" "$cli" -q --threads 1 sweep "$tmp/s.toml" --no-mpi --workers 2 -o "$tmp/out"
run "mpirun -np 2 (1 runner)" mpirun --oversubscribe -np 2 "$cli" -q --threads 1 sweep "$tmp/s.toml" -o "$tmp/out"
run "mpirun -np 3 (2 runners)" mpirun --oversubscribe -np 3 "$cli" -q --threads 1 sweep "$tmp/s.toml" -o "$tmp/out"
printf '%s' "$(sed 's/to = [0-9]*/to = 1/' "$tmp/s.toml")" > "$tmp/one.toml"
n=1 run "mpirun -np 3, one task (startup)" mpirun --oversubscribe -np 3 "$cli" -q --threads 1 sweep "$tmp/one.toml" -o "$tmp/out"

[ "$split" = 1 ] || exit 0
echo "uptime: $(uptime)"
echo "== one long task: a daily backtest of 2025 on the synthetic city (prohotspot + 2 baselines)"
"$cli" -q synth --out "$tmp/city" > /dev/null
cat > "$tmp/long.toml" <<TOML
[split]
backtest = PARTS
[recipe.data]
path = "city/events.csv"
format = "generic"
time_zone = "Europe/London"
source_crs = "EPSG:32630"
crs = "EPSG:32630"
[recipe.data.columns]
time = "time"
time_format = "%Y-%m-%d %H:%M"
x = "x"
y = "y"
[recipe.grid]
region = "city/region.geojson"
cell_size = 100
[[recipe.models]]
name = "prohotspot"
[recipe.backtest]
from = "2025-01-01"
to = "2026-01-01"
window = 90
bootstrap = 200
TOML
for parts in 1 2 4; do sed "s/PARTS/$parts/" "$tmp/long.toml" > "$tmp/long$parts.toml"; done
n=1
run "whole, local, 1 worker" "$cli" -q --threads 1 sweep "$tmp/long1.toml" --no-mpi -o "$tmp/out"
run "2 parts, local, 1 worker" "$cli" -q --threads 1 sweep "$tmp/long2.toml" --no-mpi -o "$tmp/out"
run "2 parts, local, 2 workers" "$cli" -q --threads 1 sweep "$tmp/long2.toml" --no-mpi --workers 2 -o "$tmp/out"
run "4 parts, local, 2 workers" "$cli" -q --threads 1 sweep "$tmp/long4.toml" --no-mpi --workers 2 -o "$tmp/out"
run "whole, mpirun -np 2 (1 runner)" mpirun --oversubscribe -np 2 "$cli" -q --threads 1 sweep "$tmp/long1.toml" -o "$tmp/out"
run "2 parts, mpirun -np 3 (2 runners)" mpirun --oversubscribe -np 3 "$cli" -q --threads 1 sweep "$tmp/long2.toml" -o "$tmp/out"
echo "uptime: $(uptime)"
