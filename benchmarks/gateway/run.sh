#!/usr/bin/env bash
# Gateway overhead: the same request through the gateway (wrk, HTTP on 127.0.0.1) and to the router in-process
# (Eaio.Routing.GatewayBaseline), both against a loopback Ollama that answers at once, so the difference is what the
# gateway adds: HTTP, key check, JSON parsing and validation, JSON writing.
# Usage: benchmarks/gateway/run.sh [seconds per run, default 10] [connections, default 100] [rounds, default 3]
# (then the same at 1 connection, where the added latency is not hidden by queueing; EAIO_BENCH_CONNECTION_SET=100 skips it).
# EAIO_BENCH_THINK_MS=N makes every connection (and every in-process caller) wait N ms after each response, so the load
# is fixed (connections x 1000 / N requests a second) instead of saturating the cores.
# Needs: the .NET SDK, Node.js, wrk (Debian: apt-get install wrk). Writes nothing outside a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration="${1:-10}"
connections="${2:-100}"
rounds="${3:-3}"
ollama_port="${EAIO_BENCH_OLLAMA_PORT:-11502}"
gateway_port="${EAIO_BENCH_GATEWAY_PORT:-18081}"
for tool in dotnet node wrk curl; do
  command -v "$tool" >/dev/null || { echo "gateway benchmark: $tool is not installed" >&2; exit 1; }
done

dotnet build src/Eaio.Routing.Gateway -c Release -v q -nologo >/dev/null
dotnet build benchmarks/gateway/InProcess -c Release -v q -nologo >/dev/null

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

node benchmarks/gateway/loopback-ollama.mjs "$ollama_port" >"$work/ollama.log" 2>&1 &
pids+=($!)

# Same router settings for both sides: local only (no external keys), and limits high enough that the router's own
# queueing (MAX_CONCURRENT_LOCAL=2 by default, sized for a real Ollama) does not stand in for the gateway's cost.
unset OPENAI_API_KEY DEEPSEEK_API_KEY GOOGLE_API_KEY MISTRAL_API_KEY ANTHROPIC_API_KEY
export OLLAMA_BASE_URL="http://127.0.0.1:$ollama_port" LLM_STRATEGY=local \
  MAX_CONCURRENT_LOCAL="$connections" MAX_QUEUED_REQUESTS=10000 PROVIDER_REQUESTS_PER_MINUTE=1000000000 \
  Logging__LogLevel__Default=Warning
key="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export EAIO_BENCH_KEY="$key"

EAIO_DATA_DIR="$work/gateway" Gateway__Urls="http://127.0.0.1:$gateway_port" \
  Gateway__Keys__0__Key="$key" Gateway__Keys__0__Tenant=bench Gateway__Keys__0__MaxPrivacy=Private \
  dotnet src/Eaio.Routing.Gateway/bin/Release/net10.0/eaio-gateway.dll >"$work/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$gateway_port/healthz" >/dev/null || { cat "$work/gateway.log"; echo "the gateway did not start" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg), think time: ${EAIO_BENCH_THINK_MS:-0} ms"
echo "tools: $(dotnet --version) SDK, Node.js $(node --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"

url="http://127.0.0.1:$gateway_port/v1/chat/completions"
value() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for c in ${EAIO_BENCH_CONNECTION_SET:-"$connections" 1}; do
  # Warm-up of the gateway (JIT tiers, connection pools, plan cache), not measured; the baseline warms itself up.
  wrk -t1 -c"$c" -d3s -s benchmarks/gateway/chat.lua "$url" >/dev/null
  threads=$(( c < 2 ? 1 : 2 ))
  # Alternating rounds: on shared cores the load from others changes by the minute, so each side gets every phase.
  rows=()
  for round in $(seq 1 "$rounds"); do
    inproc=$(EAIO_DATA_DIR="$work/inprocess" dotnet benchmarks/gateway/InProcess/bin/Release/net10.0/Eaio.Routing.GatewayBaseline.dll "$c" "$duration" "${EAIO_BENCH_THINK_MS:-0}" | grep RESULT)
    gateway=$(wrk -t"$threads" -c"$c" -d"${duration}s" --latency -s benchmarks/gateway/chat.lua "$url" | grep RESULT)
    echo "connections=$c round $round in-process: ${inproc#RESULT } (load $(cut -d' ' -f1 /proc/loadavg))"
    echo "connections=$c round $round gateway:    ${gateway#RESULT }"
    rows+=("$(value rps "$inproc") $(value rps "$gateway") $(( $(value p50_us "$gateway") - $(value p50_us "$inproc") )) $(( $(value p99_us "$gateway") - $(value p99_us "$inproc") ))")
  done
  printf '%s\n' "${rows[@]}" >"$work/rows"
  echo "connections=$c median of $rounds rounds: in-process $(cut -d' ' -f1 "$work/rows" | median) req/s, gateway $(cut -d' ' -f2 "$work/rows" | median) req/s, added p50 $(cut -d' ' -f3 "$work/rows" | median) us, added p99 $(cut -d' ' -f4 "$work/rows" | median) us"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
