-- section "anomaly": record this request's behavioural facts for its identity, apply the
-- BLACK rules (ban at once), and return the facts the GREY score is computed from.
-- Counters are ring buffers of fixed size in one string (facts.lua), so memory per identity is
-- constant and nothing goes stale.
-- keys    [1] facts (the string of facts.lua), [2] recent paths (a binary string, below),
--         [3] recent trailing ids (zset, score ms), [4] ban key, [5] would-be ban key
--         (monitor mode)
-- args    [1] path hash (6 bytes), [2] trailing id ("" if none), [3] sensitive path 0|1,
--         [4] empty User-Agent 0|1, [5] monitor 0|1, [6] burst limit (50), [7] burst ban s,
--         [8] empty-UA ban s, [9] error rate % (75), [10] min requests (10), [11] error ban s
-- reply   {black rule ("" if none), ban seconds, requests 10 s, requests 2 min, errors 2 min,
--          distinct paths 1 min, distinct paths 10 s, id run length, sensitive hits 1 min,
--          active 30-40 min ago 0|1, earlier requests 24 h}  or {} if already refused

SECTIONS.anomaly = function(ctx, ko, nkeys, ao, nargs)
  if ctx.blocked then
    return ""
  end
  local now = ctx.now
  local b = facts_load(KEYS[ko + 1])
  local r10 = ring_add(b, 1000, 10, 2, now, 1)  -- the rings of facts.lua
  local r2m = ring_add(b, 10000, 12, 42, now, 1)
  local e2m = ring_add(b, 10000, 12, 88, now, 0)
  local sens = ring_add(b, 10000, 6, 134, now, tonumber(ARGV[ao + 3]))
  local earlier = ring_add(b, 3600000, 24, 162, now, 1) - 1

  -- minute activity bitmask: bit k set = a request k minutes ago
  local minute = math.floor(now / 60000)
  local last = get6(b, FACTS_MINUTE)
  local mask, shift = 0, 53
  if last > 0 then
    if minute < last then minute = last end  -- a clock a little behind: the newest minute
    shift = minute - last
    if shift < 53 then
      mask = get7(b, FACTS_MASK)
      if shift > 0 then mask = (mask * 2 ^ shift) % 2 ^ 53 end
    end
  end
  local active = (math.floor(mask / 2 ^ 30) % 2 ^ 11) > 0 and 1 or 0
  if shift > 0 or mask % 2 == 0 then  -- unchanged within a minute after its first request
    if mask % 2 == 0 then mask = mask + 1 end
    put(b, FACTS_MASK, 7, mask)
    put(b, FACTS_MINUTE, 6, minute)
  end
  facts_save(KEYS[ko + 1], b)

  -- distinct raw paths in the last minute, newest 64 kept: 12-byte records, newest first,
  -- each a path's 6-byte hash and when it was last seen (6 bytes, ms). Always in time order,
  -- so two binary searches count them. (A sorted set cost ZADD, ZREMRANGEBYSCORE, ZCARD,
  -- ZCOUNT and a PEXPIRE, and ~1.9 KB at 64 paths.)
  local s = redis.call("GET", KEYS[ko + 2]) or ""
  if #s % 12 ~= 0 then s = "" end  -- not written by this script: start again
  local from = 1
  while true do  -- this path's earlier record goes
    local at = string.find(s, ARGV[ao + 1], from, true)
    if not at then break end
    if at % 12 == 1 then
      s = string.sub(s, 1, at - 1) .. string.sub(s, at + 12)
      break
    end
    from = at + 1
  end
  local n = #s / 12
  local function seen(i)  -- the time of record i (0-based)
    local t1, t2, t3, t4, t5, t6 = string.byte(s, 12 * i + 7, 12 * i + 12)
    return t1 + 256 * (t2 + 256 * (t3 + 256 * (t4 + 256 * (t5 + 256 * t6))))
  end
  local function first_at_or_before(t)  -- the first record seen at t or earlier (n: none)
    local lo, hi = 0, n
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if seen(mid) <= t then hi = mid else lo = mid + 1 end
    end
    return lo
  end
  local others = math.min(first_at_or_before(now - 60000), 63)
  local paths1m = others + 1
  local paths10s = math.min(first_at_or_before(now - 10001), 63) + 1
  -- this request's record goes before the first seen at now or earlier (the first, unless
  -- another server's clock ahead stamped some later)
  local at = (n == 0 or seen(0) <= now) and 0 or math.min(first_at_or_before(now), others)
  redis.call(
    "SET", KEYS[ko + 2],
    string.sub(s, 1, 12 * at) .. ARGV[ao + 1] .. bytes6(now) .. string.sub(s, 12 * at + 1, 12 * others),
    "PX", 61000
  )

  -- the run of consecutive trailing ids through this one, within the last minute
  local run = 0
  if ARGV[ao + 2] ~= "" then
    local id = tonumber(ARGV[ao + 2])
    redis.call("ZADD", KEYS[ko + 3], now, ARGV[ao + 2])
    redis.call("ZREMRANGEBYSCORE", KEYS[ko + 3], "-inf", now - 60000)
    redis.call("ZREMRANGEBYRANK", KEYS[ko + 3], 0, -65)
    redis.call("PEXPIRE", KEYS[ko + 3], 61000)
    run = 1
    for step = -1, 1, 2 do
      local k = id + step
      while run < 64 and redis.call("ZSCORE", KEYS[ko + 3], string.format("%.0f", k)) do
        run = run + 1
        k = k + step
      end
    end
  end

  -- error rates are over the requests whose outcome is known: not this one
  local done = r2m - 1
  local rule, ban = "", 0
  if ARGV[ao + 4] == "1" then
    rule, ban = "empty_user_agent", tonumber(ARGV[ao + 8])
  elseif r10 >= tonumber(ARGV[ao + 6]) then
    rule, ban = "burst", tonumber(ARGV[ao + 7])
  elseif done >= tonumber(ARGV[ao + 10]) and e2m * 100 >= tonumber(ARGV[ao + 9]) * done then
    rule, ban = "error_rate", tonumber(ARGV[ao + 11])
  end
  if ban > 0 then
    ctx.blocked = true
    local key = (ARGV[ao + 5] == "1") and KEYS[ko + 5] or KEYS[ko + 4]
    redis.call("SET", key, rule, "PX", ban * 1000)
  end
  return string.format(
    "%s\31%d\31%d\31%d\31%d\31%d\31%d\31%d\31%d\31%d\31%d",
    rule, ban, r10, r2m, e2m, paths1m, paths10s, run, sens, active, earlier
  )
end
