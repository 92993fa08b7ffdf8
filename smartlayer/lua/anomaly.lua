-- section "anomaly": record this request's behavioural facts for its identity, apply the
-- BLACK rules (ban at once), and return the facts the GREY score is computed from.
-- Counters are ring buffers of fixed size in one string (facts.lua), so memory per identity is
-- constant and nothing goes stale.
-- keys    [1] facts (the string of facts.lua), [2] recent path hashes (zset, score ms),
--         [3] recent trailing ids (zset, score ms), [4] ban key, [5] would-be ban key
--         (monitor mode)
-- args    [1] path hash, [2] trailing id ("" if none), [3] sensitive path 0|1,
--         [4] empty User-Agent 0|1, [5] monitor 0|1, [6] burst limit (50), [7] burst ban s,
--         [8] empty-UA ban s, [9] error rate % (75), [10] min requests (10), [11] error ban s
-- reply   {black rule ("" if none), ban seconds, requests 10 s, requests 2 min, errors 2 min,
--          distinct paths 1 min, distinct paths 10 s, id run length, sensitive hits 1 min,
--          active 30-40 min ago 0|1, earlier requests 24 h}  or {} if already refused

SECTIONS.anomaly = function(ctx, keys, args)
  if ctx.blocked then
    return {}
  end
  local now = ctx.now
  local b = facts_load(keys[1])
  local r10 = ring_add(b, 1000, 10, 2, now, 1)  -- the rings of facts.lua
  local r2m = ring_add(b, 10000, 12, 42, now, 1)
  local e2m = ring_add(b, 10000, 12, 88, now, 0)
  local sens = ring_add(b, 10000, 6, 134, now, tonumber(args[3]))
  local earlier = ring_add(b, 3600000, 24, 162, now, 1) - 1

  -- minute activity bitmask: bit k set = a request k minutes ago
  local minute = math.floor(now / 60000)
  local last = get6(b, FACTS_MINUTE)
  local mask = 0
  if last > 0 then
    if minute < last then minute = last end  -- a clock a little behind: the newest minute
    local shift = minute - last
    if shift < 53 then
      mask = (get7(b, FACTS_MASK) * 2 ^ shift) % 2 ^ 53
    end
  end
  local active = (math.floor(mask / 2 ^ 30) % 2 ^ 11) > 0 and 1 or 0
  if mask % 2 == 0 then mask = mask + 1 end
  put(b, FACTS_MASK, 7, mask)
  put(b, FACTS_MINUTE, 6, minute)
  facts_save(keys[1], b)
  -- the path set's expiry is renewed by the first request of each minute
  local renew = last ~= minute

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
