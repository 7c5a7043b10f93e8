-- vote.lua - wrk script for bench/opinion-votes.sh: every request is one participant voting on one
-- statement of a live opinion-map conversation,
--   PUT /api/v1/municipalities/kamome/opinion/conversations/{id}/statements/{sid}/vote {"vote": v}
-- with the participant's session cookie and the CSRF double submit (kyoso_csrf cookie = X-CSRF-Token
-- header). Every request is a new (user, statement) pair, so each acknowledged vote is one new
-- durable opinion_votes row (no re-vote).
--   wrk ... -s vote.lua URL -- TOKENS_FILE CSRF CONV STMT_BASE NSTMT OFFSET WRK_THREADS
-- TOKENS_FILE: one session token a line (bench/delib/tokens.c), the i-th line belonging to the i-th
-- generated user; statements STMT_BASE .. STMT_BASE+NSTMT-1. Request number k (thread t of n, its
-- i-th request: k = OFFSET + t + n*i) is user k mod U voting on statement (k div U) mod NSTMT, so
-- the pairs are unique while k < U*NSTMT; OFFSET lets later runs continue after earlier ones.
-- The vote follows three opinion groups (user mod 3) with 20 % noise, so the map has structure.
-- done() prints one KYBENCH line (bench/delib.sh's fields) plus next_k, the first k not yet used.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  toks = {}
  for line in io.lines(args[1]) do
    toks[#toks + 1] = line
  end
  csrf = args[2]
  conv = args[3]
  sbase = tonumber(args[4])
  nstmt = tonumber(args[5])
  offset = tonumber(args[6])
  nthr = tonumber(args[7])
  counter = 0
  prefix = "/api/v1/municipalities/kamome/opinion/conversations/" .. conv .. "/statements/"
end

function request()
  local k = offset + tid + nthr * counter
  counter = counter + 1
  local u = k % #toks
  local j = math.floor(k / #toks) % nstmt
  local v
  if (k * 2654435761) % 10 < 2 then
    v = k % 3 - 1 -- noise
  else
    local d = (j - u) % 3 -- the user's group (u mod 3) agrees with every third statement
    v = (d == 0 and 1) or (d == 1 and -1) or 0
  end
  return wrk.format("PUT", prefix .. (sbase + j) .. "/vote", {
    ["Cookie"] = "kyoso_session=" .. toks[u + 1] .. "; kyoso_csrf=" .. csrf,
    ["X-CSRF-Token"] = csrf,
    ["Content-Type"] = "application/json",
  }, '{"vote":' .. v .. '}')
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  -- done() runs in wrk's main Lua state: the threads' globals are read with get().
  local next_k = 0
  for _, t in ipairs(threads) do
    local used = t:get("offset") + t:get("tid") + t:get("nthr") * t:get("counter")
    if used > next_k then
      next_k = used
    end
  end
  io.write(string.format(
    "KYBENCH rps=%.1f requests=%d bytes=%d secs=%.3f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d next_k=%d\n",
    summary.requests / secs, summary.requests, summary.bytes, secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status, next_k))
end
