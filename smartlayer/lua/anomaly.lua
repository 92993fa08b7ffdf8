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
local RINGS = {t = {1000, 10}, r = {10000, 12}, e = {10000, 12}, x = {10000, 6}, h = {3600000, 24}}

local function ring_fields(name)
  local out = {}
  for i = 0, RINGS[name][2] - 1 do out[#out + 1] = name .. i end
  return out
end

SECTIONS.anomaly = function(ctx, keys, args)
  if ctx.blocked then
    return {}
  end
  local now = ctx.now
  local names, vals = {}, {}
  for _, ring in ipairs({"t", "r", "e", "x", "h"}) do
    for _, f in ipairs(ring_fields(ring)) do names[#names + 1] = f end
  end
  names[#names + 1] = "am"
  names[#names + 1] = "at"
  local got = redis.call("HMGET", keys[1], unpack(names))
  for i, f in ipairs(names) do vals[f] = tonumber(got[i]) or 0 end

  -- sum of a ring over its current bucket and the `back` before it; add `inc` to the current
  local updates = {}
  local function ring(name, back, inc)
    local width, n = RINGS[name][1], RINGS[name][2]
    local cur = math.floor(now / width)
    local total = 0
    for i = 0, n - 1 do
      local v = vals[name .. i]
      local idx, count = math.floor(v / M), v % M
      if idx <= cur and idx >= cur - back then total = total + count end
    end
    if inc > 0 then
      local f = name .. (cur % n)
      local v = vals[f]
      local count = (math.floor(v / M) == cur) and (v % M) or 0
      updates[#updates + 1] = f
      updates[#updates + 1] = string.format("%.0f", cur * M + math.min(count + inc, M - 1))
    end
    return total + inc
  end

  local r10 = ring("t", 9, 1)
  local r2m = ring("r", 11, 1)
  local e2m = ring("e", 11, 0)
  local sens = ring("x", 5, tonumber(args[3]))
  local earlier = ring("h", 23, 1) - 1

  -- minute activity bitmask: bit k set = a request k minutes ago
  local minute = math.floor(now / 60000)
  local shift = minute - vals["at"]
  local mask = 0
  if vals["at"] > 0 and shift >= 0 and shift < 53 then
    mask = (vals["am"] * 2 ^ shift) % 2 ^ 53
  end
  local active = (math.floor(mask / 2 ^ 30) % 2 ^ 11) > 0 and 1 or 0
  if mask % 2 == 0 then mask = mask + 1 end
  updates[#updates + 1] = "am"
  updates[#updates + 1] = string.format("%.0f", mask)
  updates[#updates + 1] = "at"
  updates[#updates + 1] = minute
  redis.call("HSET", keys[1], unpack(updates))
  redis.call("PEXPIRE", keys[1], 86400000 + 3600000)

  -- distinct raw paths (hashed) in the last minute, newest 64 kept
  redis.call("ZADD", keys[2], now, args[1])
  redis.call("ZREMRANGEBYSCORE", keys[2], "-inf", now - 60000)
  redis.call("ZREMRANGEBYRANK", keys[2], 0, -65)
  redis.call("PEXPIRE", keys[2], 61000)
  local paths1m = redis.call("ZCARD", keys[2])
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
