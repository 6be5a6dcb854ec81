-- wrk script: POST one small chat completion to the gateway with the key in EAIO_BENCH_KEY, and print requests/s and
-- the latency percentiles in microseconds as one parseable line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("EAIO_BENCH_KEY") or "")
wrk.body = '{"model":"eaio-auto","max_tokens":64,"messages":[{"role":"user","content":"What is a good EUI for an office?"}]}'

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, errors))
end
