-- monitor.lua: one request's share of the day's aggregates (mode "a"), or one sampled row
-- of the request log (mode "l"). Built by smartlayer.monitor.record; read by day_stats.
--
-- mode "a"
-- keys    [1] counters hash of (day, shard), [2] top-offenders zset (same hash tag)
-- args    [1] "a", [2] ttl seconds, [3] status class "2xx".."5xx", [4] error (status >= 400)
--         0|1, [5] refusal reason ("" when admitted), [6] latency bucket, [7] local hour "HH",
--         [8] route label, [9] latency in microseconds, [10] identity, [11] max routes,
--         [12] max offenders (Space-Saving top-k), [13] label for routes past the cap
-- fields  t total | s:<class> | b:<reason> | l:<bucket> | h:<HH> he:<HH> hb:<HH> hourly hits,
--         errors, blocked | r:<route> re:<route> rs:<route> per-route hits, errors, latency
--         sum (us) | rl:<bucket>:<route> per-route histogram | nr distinct routes
--
-- mode "l"
-- keys    [1] the log list
-- args    [1] "l", [2] ttl seconds, [3] msgpack row, [4] max rows kept (newest)
-- returns 1
local H = KEYS[1]
local ttl = tonumber(ARGV[2])
if ARGV[1] == "l" then
  redis.call("RPUSH", H, ARGV[3])
  redis.call("LTRIM", H, -tonumber(ARGV[4]), -1)
  redis.call("EXPIRE", H, ttl)
  return 1
end

if redis.call("HINCRBY", H, "t", 1) == 1 then
  redis.call("EXPIRE", H, ttl)
end
local err, reason, bucket, hour = ARGV[4] == "1", ARGV[5], ARGV[6], ARGV[7]
redis.call("HINCRBY", H, "s:" .. ARGV[3], 1)
redis.call("HINCRBY", H, "l:" .. bucket, 1)
redis.call("HINCRBY", H, "h:" .. hour, 1)
if err then
  redis.call("HINCRBY", H, "he:" .. hour, 1)
end

local route = ARGV[8]
if redis.call("HINCRBY", H, "r:" .. route, 1) == 1 then
  -- a new route today on this shard: count it, and fold it into the overflow label past the cap
  if redis.call("HINCRBY", H, "nr", 1) > tonumber(ARGV[11]) then
    redis.call("HDEL", H, "r:" .. route)
    redis.call("HINCRBY", H, "nr", -1)
    route = ARGV[13]
    redis.call("HINCRBY", H, "r:" .. route, 1)
  end
end
if err then
  redis.call("HINCRBY", H, "re:" .. route, 1)
end
redis.call("HINCRBY", H, "rs:" .. route, tonumber(ARGV[9]))
redis.call("HINCRBY", H, "rl:" .. bucket .. ":" .. route, 1)

if reason ~= "" then
  redis.call("HINCRBY", H, "b:" .. reason, 1)
  redis.call("HINCRBY", H, "hb:" .. hour, 1)
  local Z = KEYS[2]
  local who = ARGV[10]
  if tonumber(redis.call("ZINCRBY", Z, 1, who)) == 1 then
    -- a new offender: keep the TTL, and past the cap evict the lowest other entry and
    -- inherit its count (Space-Saving: a heavy offender is never lost; counts may be high
    -- by at most the evicted count)
    redis.call("EXPIRE", Z, ttl)
    if redis.call("ZCARD", Z) > tonumber(ARGV[12]) then
      local low = redis.call("ZRANGE", Z, 0, 1, "WITHSCORES")
      local victim, count = low[1], low[2]
      if victim == who then
        victim, count = low[3], low[4]
      end
      redis.call("ZREM", Z, victim)
      redis.call("ZINCRBY", Z, count, who)
    end
  end
end
return 1
