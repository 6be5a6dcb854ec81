#!/usr/bin/env bash
# The EAIO gateway against the Portkey gateway (npm @portkey-ai/gateway, pinned in portkey/package.json) in front of
# one fast OpenAI-compatible upstream (fast-openai.mjs), open-loop (open-loop.mjs: a fixed rate whatever the answers do,
# latency from each request's due time), JSON and SSE, at 200 and 500 requests a second. Each round runs EAIO, Portkey
# and the upstream directly (the order turns every round), so "added" = gateway - direct in the same round, and every
# side gets every phase of the other users' load on shared cores. EAIO runs as shipped: durable SQLite audit (its
# default), a PUBLIC key pinned to openai/gpt-4o-mini so every request goes external and is audited; only the rate and
# concurrency limits are raised (tenant, provider, MAX_CONCURRENT_API) so that they do not stand in for the gateway.
#
# Usage: benchmarks/gateway/compare.sh [seconds per round, default 15] [rounds, default 3]
#   EAIO_BENCH_RATES="200 500"   rates to run (requests a second)
#   EAIO_BENCH_KINDS="json sse"  request kinds to run
#   EAIO_BENCH_DIAGNOSE=1        also a second EAIO gateway with the audit off (AUDIT_ALL_API_CALLS=false), as target
#                                "eaio-noaudit", to tell storage from the rest of the request path
#   EAIO_BENCH_WARMUP=20         seconds of each kind per target before the rounds (not recorded)
#   EAIO_BENCH_RESULTS=FILE      keep the rounds (JSON lines) there; the summary is printed either way
#   DOTNET_* settings (e.g. DOTNET_gcServer=0) reach the EAIO gateway unchanged.
# Needs: the .NET SDK, Node.js 20+ with npm (the registry reachable for `npm ci` the first time), curl.
# Writes nothing outside a temporary folder except benchmarks/gateway/portkey/node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The gateway project and its assembly: the one place to change if the gateway moves.
gateway_project=src/Eaio.Routing.Gateway
gateway_dll="$gateway_project/bin/Release/net10.0/eaio-gateway.dll"

seconds="${1:-15}"
rounds="${2:-3}"
rates="${EAIO_BENCH_RATES:-200 500}"
kinds="${EAIO_BENCH_KINDS:-json sse}"
upstream_port="${EAIO_BENCH_UPSTREAM_PORT:-18090}"
eaio_port="${EAIO_BENCH_GATEWAY_PORT:-18081}"
noaudit_port="${EAIO_BENCH_NOAUDIT_PORT:-18082}"
portkey_port="${EAIO_BENCH_PORTKEY_PORT:-18787}"
here=benchmarks/gateway

for tool in dotnet node npm curl; do
  command -v "$tool" >/dev/null || { echo "gateway comparison: $tool is not installed (needs the .NET SDK, Node.js 20+ with npm, curl)" >&2; exit 1; }
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || { echo "gateway comparison: Node.js 20 or later is needed, found $(node --version)" >&2; exit 1; }

dotnet build "$gateway_project" -c Release -v q -nologo >/dev/null
# Portkey's package runs patch-package after install with no patches shipped; scripts are not needed.
(cd "$here/portkey" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # name url [header]
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null ${3:+-H "$3"} "$2" && return 0
    sleep 0.2
  done
  echo "gateway comparison: $1 did not start; its log:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

node "$here/fast-openai.mjs" "$upstream_port" >"$work/upstream.log" 2>&1 &
pids+=($!)

key="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_eaio() { # name port data-folder [extra env...]
  local name="$1" port="$2" data="$3"
  shift 3
  env -u DEEPSEEK_API_KEY -u GOOGLE_API_KEY -u MISTRAL_API_KEY -u ANTHROPIC_API_KEY \
    OPENAI_API_KEY=sk-benchmark-not-a-real-key OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" \
    OLLAMA_BASE_URL="http://127.0.0.1:$upstream_port" EAIO_DATA_DIR="$data" \
    Gateway__Urls="http://127.0.0.1:$port" \
    Gateway__Keys__0__Key="$key" Gateway__Keys__0__Tenant=bench Gateway__Keys__0__MaxPrivacy=Public \
    Gateway__Limits__RequestsPerMinute=1000000000 Gateway__Limits__TokensPerMinute=2000000000 \
    PROVIDER_REQUESTS_PER_MINUTE=1000000000 PROVIDER_TOKENS_PER_MINUTE=2000000000 \
    MAX_CONCURRENT_API=10000 MAX_QUEUED_REQUESTS=10000 \
    "$@" dotnet "$gateway_dll" >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/$name.pid"
}
start_eaio eaio "$eaio_port" "$work/eaio-data"
[ "${EAIO_BENCH_DIAGNOSE:-0}" = 1 ] && start_eaio eaio-noaudit "$noaudit_port" "$work/noaudit-data" AUDIT_ALL_API_CALLS=false

# Portkey as `npx @portkey-ai/gateway` starts it, on its own port, without its log UI.
(cd "$here/portkey" && exec node node_modules/@portkey-ai/gateway/build/start-server.js --port="$portkey_port" --headless) >"$work/portkey.log" 2>&1 &
pids+=($!)
echo $! >"$work/portkey.pid"

wait_for upstream "http://127.0.0.1:$upstream_port/v1/models"
wait_for eaio "http://127.0.0.1:$eaio_port/healthz"
[ "${EAIO_BENCH_DIAGNOSE:-0}" = 1 ] && wait_for eaio-noaudit "http://127.0.0.1:$noaudit_port/healthz"
wait_for portkey "http://127.0.0.1:$portkey_port/"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: .NET SDK $(dotnet --version), Node.js $(node --version), @portkey-ai/gateway $(node -p "require('./$here/portkey/node_modules/@portkey-ai/gateway/package.json').version") with @hono/node-server $(node -p "require('./$here/portkey/node_modules/@hono/node-server/package.json').version")"
echo "rounds: $rounds x ${seconds} s per target, rates: $rates, kinds: $kinds"

run() { # target rate kind round seconds
  local target="$1" rate="$2" kind="$3" round="$4" secs="$5"
  local args=(--rate "$rate" --seconds "$secs" --kind "$kind" --label "$target/$rate/$kind/$round")
  case "$target" in
    eaio) args+=(--url "http://127.0.0.1:$eaio_port/v1/chat/completions" --model openai/gpt-4o-mini --header "authorization: Bearer $key" --pid "$(cat "$work/eaio.pid")") ;;
    eaio-noaudit) args+=(--url "http://127.0.0.1:$noaudit_port/v1/chat/completions" --model openai/gpt-4o-mini --header "authorization: Bearer $key" --pid "$(cat "$work/eaio-noaudit.pid")") ;;
    portkey) args+=(--url "http://127.0.0.1:$portkey_port/v1/chat/completions" --model gpt-4o-mini --header "authorization: Bearer sk-benchmark-not-a-real-key"
                    --header "x-portkey-provider: openai" --header "x-portkey-custom-host: http://127.0.0.1:$upstream_port/v1" --pid "$(cat "$work/portkey.pid")") ;;
    direct) args+=(--url "http://127.0.0.1:$upstream_port/v1/chat/completions" --model gpt-4o-mini) ;;
  esac
  node "$here/open-loop.mjs" "${args[@]}"
}

targets=(eaio portkey direct)
[ "${EAIO_BENCH_DIAGNOSE:-0}" = 1 ] && targets+=(eaio-noaudit)

# Warm-up, not recorded: JIT tiers, connection pools, SQLite files and caches on every side. On 2 busy cores .NET's
# tiered compilation was still using a third of the gateway's CPU 20 s after start (perf), so each side gets
# EAIO_BENCH_WARMUP seconds (default 20) of each kind at the lower rate first.
for target in "${targets[@]}"; do
  for kind in $kinds; do run "$target" "${rates%% *}" "$kind" 0 "${EAIO_BENCH_WARMUP:-20}" >/dev/null; done
done

results="${EAIO_BENCH_RESULTS:-$work/results.jsonl}"
: >"$results"
for rate in $rates; do
  for kind in $kinds; do
    for round in $(seq 1 "$rounds"); do
      # Each round starts with the next target, so no side always runs first after a pause or right after another.
      n=${#targets[@]}
      for i in $(seq 0 $((n - 1))); do
        target="${targets[$(( (i + round - 1) % n ))]}"
        line="$(run "$target" "$rate" "$kind" "$round" "$seconds")"
        echo "$line" >>"$results"
        node -e 'const r = JSON.parse(process.argv[1]); const t = r.last_byte_ms, f = r.first_byte_ms;
          console.log(`${r.label.padEnd(26)} ok ${r.ok} err ${r.errors} p50 ${t.p50} p90 ${t.p90} p99 ${t.p99} max ${t.max} ms`
            + (f ? ` (first byte p50 ${f.p50} p99 ${f.p99})` : "") + ` >100ms ${r.over_100ms}`
            + (r.rss_max_mb !== null ? ` rss ${r.rss_max_mb} MB` : "") + ` load ${r.loadavg.split(" ")[0]}`
            + (r.errors ? ` errors: ${JSON.stringify(r.error_reasons)}` : ""));' "$line"
      done
    done
  done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "EAIO data folder after the run: $(du -sh "$work/eaio-data" | cut -f1); gateway log lines: $(wc -l <"$work/eaio.log"), warnings/errors: $(grep -c -E '^(warn|fail|crit)' "$work/eaio.log" || true)"
echo
node "$here/compare-report.mjs" "$results"
