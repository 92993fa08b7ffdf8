-- wrk script of benchmarks/load/run.py: one request per call, a browser User-Agent and a
-- client address in X-Forwarded-For drawn from LOAD_IPS addresses (10.0.0.0/16 and up).
-- LOAD_MODE=get: GET /api/items/<1..500>/ (JSON); post: a 2 KB JSON POST to /api/comments/.
-- LOAD_DELAY_MS > 0: each connection waits that long between requests (the soak's steady rate).
local ips = tonumber(os.getenv("LOAD_IPS") or "4096")
local mode = os.getenv("LOAD_MODE") or "get"
local delay_ms = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
local words = "the quick brown fox jumps over the lazy dog and then writes a comment about it "
local text = string.rep(words, 24) -- ~1.9 KB
local body = '{"text": "' .. text .. '", "author": "load", "rating": 4}'
local n = 0

function setup(thread)
  thread:set("tid", n)
  n = n + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
  local i = math.random(0, ips - 1)
  local xff = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  local headers = { ["User-Agent"] = ua, ["X-Forwarded-For"] = xff, ["Accept"] = "application/json" }
  if mode == "post" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/comments/", headers, body)
  end
  return wrk.format("GET", "/api/items/" .. math.random(1, 500) .. "/", headers, nil)
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx_3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "body_bytes": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, #body))
end
