-- wrk script: POST one small chat completion to the gateway with the key in EAIO_BENCH_KEY, and print requests/s and
-- the latency percentiles in microseconds as one parseable line.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("EAIO_BENCH_KEY") or "")
wrk.body = '{"model":"eaio-auto","max_tokens":64,"messages":[{"role":"user","content":"What is a good EUI for an office?"}]}'

-- With EAIO_BENCH_THINK_MS each connection waits on average that long after every response (not counted in its
-- latency), uniformly between half and one and a half times it so the connections do not fire in step: the offered load
-- is about connections x 1000 / think requests a second, and latency is not queueing on saturated cores.
local think = tonumber(os.getenv("EAIO_BENCH_THINK_MS") or "0")
if think > 0 then
  delay = function() return math.random(math.floor(think / 2), math.floor(think * 3 / 2)) end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, errors))
end
