-- section "anomaly": record this request's behavioural facts for its identity, apply the
-- BLACK rules (ban at once), and return the facts the GREY score is computed from.
-- Counters are ring buffers of fixed size in one hash (field <ring><slot> holds
-- bucket * 2^20 + count), so memory per identity is constant and nothing goes stale.
-- keys    [1] facts hash, [2] recent path hashes (zset, score ms), [3] recent trailing ids
--         (zset, score ms), [4] ban key, [5] would-be ban key (monitor mode)
-- args    [1] path hash, [2] trailing id ("" if none), [3] sensitive path 0|1,
--         [4] empty User-Agent 0|1, [5] monitor 0|1, [6] burst limit (50), [7] burst ban s,
--         [8] empty-UA ban s, [9] error rate % (75), [10] min requests (10), [11] error ban s
-- reply   {black rule ("" if none), ban seconds, requests 10 s, requests 2 min, errors 2 min,
--          distinct paths 1 min, distinct paths 10 s, id run length, sensitive hits 1 min,
--          active 30-40 min ago 0|1, earlier requests 24 h}  or {} if already refused
local M = 1048576
-- The rings, in the order of NAMES below: field prefix, bucket width ms, number of slots.
-- NAMES is written out (not built with "t" .. i) because this chunk runs on every call.
local RINGS = {{"t", 1000, 10, 0}, {"r", 10000, 12, 10}, {"e", 10000, 12, 22}, {"x", 10000, 6, 34},
  {"h", 3600000, 24, 40}}
local NAMES = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9",
  "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
  "e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11",
  "x0", "x1", "x2", "x3", "x4", "x5",
  "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11", "h12", "h13", "h14",
  "h15", "h16", "h17", "h18", "h19", "h20", "h21", "h22", "h23",
  "am", "at"}
local AM, AT = 65, 66

SECTIONS.anomaly = function(ctx, keys, args)
  if ctx.blocked then
    return {}
  end
  local now = ctx.now
  local floor = math.floor
  local got = redis.call("HMGET", keys[1], unpack(NAMES))
  local vals = {}
  for i = 1, AT do vals[i] = tonumber(got[i]) or 0 end

  -- sum of ring k over its current bucket and the `back` before it; add `inc` to the current
  local updates = {}
  local function ring(k, back, inc)
    local spec = RINGS[k]
    local width, n, base = spec[2], spec[3], spec[4]
    local cur = floor(now / width)
    local oldest = cur - back
    local total = 0
    for i = base + 1, base + n do
      local v = vals[i]
      if v > 0 then
        local idx = floor(v / M)
        if idx <= cur and idx >= oldest then total = total + v % M end
      end
    end
    if inc > 0 then
      local slot = base + 1 + cur % n
      local v = vals[slot]
      local count = (floor(v / M) == cur) and (v % M) or 0
      updates[#updates + 1] = NAMES[slot]
      updates[#updates + 1] = string.format("%.0f", cur * M + math.min(count + inc, M - 1))
    end
    return total + inc
  end

  local r10 = ring(1, 9, 1)
  local r2m = ring(2, 11, 1)
  local e2m = ring(3, 11, 0)
  local sens = ring(4, 5, tonumber(args[3]))
  local earlier = ring(5, 23, 1) - 1

  -- minute activity bitmask: bit k set = a request k minutes ago
  local minute = math.floor(now / 60000)
  local shift = minute - vals[AT]
  local mask = 0
  if vals[AT] > 0 and shift >= 0 and shift < 53 then
    mask = (vals[AM] * 2 ^ shift) % 2 ^ 53
  end
  local active = (math.floor(mask / 2 ^ 30) % 2 ^ 11) > 0 and 1 or 0
  if mask % 2 == 0 then mask = mask + 1 end
  updates[#updates + 1] = "am"
  updates[#updates + 1] = string.format("%.0f", mask)
  updates[#updates + 1] = "at"
  updates[#updates + 1] = minute
  redis.call("HSET", keys[1], unpack(updates))
  -- expiry times are renewed by the first request of each minute (a hash that was gone reads
  -- as minute 0): the facts live an hour past their longest ring, the path set two minutes
  local renew = vals[AT] ~= minute
  if renew then
    redis.call("PEXPIRE", keys[1], 86400000 + 3600000)
  end

  -- distinct raw paths (hashed) in the last minute, newest 64 kept
  local added = redis.call("ZADD", keys[2], now, args[1])
  redis.call("ZREMRANGEBYSCORE", keys[2], "-inf", now - 60000)
  local paths1m = redis.call("ZCARD", keys[2])
  if paths1m > 64 then
    redis.call("ZREMRANGEBYRANK", keys[2], 0, -65)
    paths1m = 64
  end
  if renew or (added == 1 and paths1m == 1) then  -- (a set created again within the minute too)
    redis.call("PEXPIRE", keys[2], 121000)
  end
  local paths10s = redis.call("ZCOUNT", keys[2], now - 10000, "+inf")

  -- the run of consecutive trailing ids through this one, within the last minute
  local run = 0
  if args[2] ~= "" then
    local id = tonumber(args[2])
    redis.call("ZADD", keys[3], now, args[2])
    redis.call("ZREMRANGEBYSCORE", keys[3], "-inf", now - 60000)
    redis.call("ZREMRANGEBYRANK", keys[3], 0, -65)
    redis.call("PEXPIRE", keys[3], 61000)
    run = 1
    for step = -1, 1, 2 do
      local k = id + step
      while run < 64 and redis.call("ZSCORE", keys[3], string.format("%.0f", k)) do
        run = run + 1
        k = k + step
      end
    end
  end

  -- error rates are over the requests whose outcome is known: not this one
  local done = r2m - 1
  local rule, ban = "", 0
  if args[4] == "1" then
    rule, ban = "empty_user_agent", tonumber(args[8])
  elseif r10 >= tonumber(args[6]) then
    rule, ban = "burst", tonumber(args[7])
  elseif done >= tonumber(args[10]) and e2m * 100 >= tonumber(args[9]) * done then
    rule, ban = "error_rate", tonumber(args[11])
  end
  if ban > 0 then
    ctx.blocked = true
    local key = (args[5] == "1") and keys[5] or keys[4]
    redis.call("SET", key, rule, "PX", ban * 1000)
  end
  return {rule, ban, r10, r2m, e2m, paths1m, paths10s, run, sens, active, earlier}
end
