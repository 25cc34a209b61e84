#!/usr/bin/env bash
# Measures what data-parallel training (two model replicas, each on half of every batch) could
# gain over the kernel threads, before building it: two 1-thread trainings on half batches run
# at once, with no gradient exchange between them — an upper bound on replicas — against one
# training on the whole batch with 1 and with 2 kernel threads. SimpleCNN goes through train()
# with the DataLoader (`--loop`), AirbenchNet by bare steps. Needs `pnpm build` first; run it
# alone on the machine (it uses both cores).
#   bash packages/wasm-kernels/scripts/data-parallel-bound.sh [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../../.."
profile=packages/wasm-kernels/scripts/profile-kernels.mjs
rounds=${1:-3}
step() { sed -n 2p "$1"; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  echo "== round $round, $(date -u +%H:%M:%S) UTC"
  node $profile --batch 64 --repeats 60 --threads 1 --loop > "$out/one" 2>&1
  node $profile --batch 64 --repeats 60 --threads 2 --loop > "$out/two" 2>&1
  node $profile --batch 32 --repeats 60 --threads 1 --loop > "$out/half-a" 2>&1 &
  node $profile --batch 32 --repeats 60 --threads 1 --loop > "$out/half-b" 2>&1
  wait
  echo "SimpleCNN, batch 64, 1 thread:        $(step "$out/one")"
  echo "SimpleCNN, batch 64, 2 kernel threads: $(step "$out/two")"
  echo "SimpleCNN, two replicas of batch 32:   $(step "$out/half-a") | $(step "$out/half-b")"
  node $profile --model airbench --batch 512 --repeats 4 --threads 1 > "$out/one" 2>&1
  node $profile --model airbench --batch 512 --repeats 4 --threads 2 > "$out/two" 2>&1
  node $profile --model airbench --batch 256 --repeats 8 --threads 1 > "$out/half-a" 2>&1 &
  node $profile --model airbench --batch 256 --repeats 8 --threads 1 > "$out/half-b" 2>&1
  wait
  echo "AirbenchNet, batch 512, 1 thread:        $(step "$out/one")"
  echo "AirbenchNet, batch 512, 2 kernel threads: $(step "$out/two")"
  echo "AirbenchNet, two replicas of batch 256:   $(step "$out/half-a") | $(step "$out/half-b")"
done
