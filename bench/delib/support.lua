-- support.lua - wrk script for bench/delib.sh: every request is POST .../ideas/{id}/support by a
-- logged-in user, and every request is a new (user, idea) pair, so each acknowledged request is
-- one new durable support row.
--   wrk ... -s support.lua URL -- TOKENS_FILE CSRF IDEA_BASE IDEA_COUNT ROUND WRK_THREADS
-- TOKENS_FILE: one session token a line (bench/delib/tokens.c); CSRF: 43 characters sent as the
-- kyoso_csrf cookie and the X-CSRF-Token header (double submit); ideas IDEA_BASE ..
-- IDEA_BASE+IDEA_COUNT-1; ROUND shifts the ideas so that later runs do not repeat pairs.
-- Request k (per wrk thread t of n): user k mod U, idea (k div U + ROUND*SPAN) mod IDEA_COUNT,
-- with k = t + n*i, unique while k < U*SPAN.
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
end

function init(args)
  toks = {}
  for line in io.lines(args[1]) do
    toks[#toks + 1] = line
  end
  csrf = args[2]
  base = tonumber(args[3])
  nideas = tonumber(args[4])
  round = tonumber(args[5])
  span = 10000
  counter = 0
  nthr = tonumber(args[6])
  prefix = "/api/v1/municipalities/kamome/processes/1/ideas/"
  ok2xx = 0
end

function request()
  local k = tid + nthr * counter
  counter = counter + 1
  local u = k % #toks
  local idea = base + (math.floor(k / #toks) + round * span) % nideas
  return wrk.format("POST", prefix .. idea .. "/support", {
    ["Cookie"] = "kyoso_session=" .. toks[u + 1] .. "; kyoso_csrf=" .. csrf,
    ["X-CSRF-Token"] = csrf,
    ["Content-Length"] = "0",
  }, nil)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "KYBENCH rps=%.1f requests=%d bytes=%d secs=%.3f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d\n",
    summary.requests / secs, summary.requests, summary.bytes, secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
