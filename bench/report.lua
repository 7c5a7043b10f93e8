-- report.lua - wrk script that only adds a machine-readable summary line after a run.
-- It defines done() and nothing else, so wrk keeps sending its one pre-built request with no
-- per-request Lua work (a request()/response() hook would slow the client down).
-- Latencies are in microseconds, straight from wrk's histogram.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "KYBENCH rps=%.1f requests=%d bytes=%d secs=%.3f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d\n",
    summary.requests / secs, summary.requests, summary.bytes, secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
