-- monitor.lua: requests' shares of the day's aggregates (mode "a": one request, mode "m": a
-- batch of requests summed by smartlayer.monitor.combined), or one sampled row of the request
-- log (mode "l"). Built by smartlayer.monitor.record; read by day_stats.
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
-- mode "m" (the same keys and fields; the sums of many mode "a" calls of one key pair)
-- args    [1] "m", [2] ttl, [3] max routes, [4] max offenders, [5] label past the cap,
--         [6] requests, [7] P, then P pairs (field, increment) of the fields that name no
--         route; R, then per route: label, hits, errors, latency sum (us), B, then B pairs
--         (latency bucket, hits); O, then O pairs (identity, refused requests)
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

local function count_total(n)
  if redis.call("HINCRBY", H, "t", n) == n then
    redis.call("EXPIRE", H, ttl)
  end
end

-- n hits of a route; a route new today on this shard is counted, and past the cap folded
-- into the overflow label. Returns the label the route's other fields go under.
local function count_route(route, n, max_routes, other)
  if redis.call("HINCRBY", H, "r:" .. route, n) == n then
    if redis.call("HINCRBY", H, "nr", 1) > max_routes then
      redis.call("HDEL", H, "r:" .. route)
      redis.call("HINCRBY", H, "nr", -1)
      route = other
      redis.call("HINCRBY", H, "r:" .. route, n)
    end
  end
  return route
end

-- n refusals of one identity in the top-offenders set. A new offender gets the TTL, and past
-- the cap evicts the lowest other entry and inherits its count (Space-Saving: a heavy
-- offender is never lost; counts may be high by at most the evicted count).
local function count_offender(who, n, max_offenders)
  local Z = KEYS[2]
  if tonumber(redis.call("ZINCRBY", Z, n, who)) == n then
    redis.call("EXPIRE", Z, ttl)
    if redis.call("ZCARD", Z) > max_offenders then
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

if ARGV[1] == "m" then
  local max_routes, max_offenders, other = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
  count_total(tonumber(ARGV[6]))
  local i = 8
  for _ = 1, tonumber(ARGV[7]) do
    redis.call("HINCRBY", H, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  local routes = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, routes do
    local route = count_route(ARGV[i], tonumber(ARGV[i + 1]), max_routes, other)
    if ARGV[i + 2] ~= "0" then
      redis.call("HINCRBY", H, "re:" .. route, ARGV[i + 2])
    end
    redis.call("HINCRBY", H, "rs:" .. route, ARGV[i + 3])
    local buckets = tonumber(ARGV[i + 4])
    i = i + 5
    for _ = 1, buckets do
      redis.call("HINCRBY", H, "rl:" .. ARGV[i] .. ":" .. route, ARGV[i + 1])
      i = i + 2
    end
  end
  local offenders = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, offenders do
    count_offender(ARGV[i], tonumber(ARGV[i + 1]), max_offenders)
    i = i + 2
  end
  return 1
end

count_total(1)
local err, reason, bucket, hour = ARGV[4] == "1", ARGV[5], ARGV[6], ARGV[7]
redis.call("HINCRBY", H, "s:" .. ARGV[3], 1)
redis.call("HINCRBY", H, "l:" .. bucket, 1)
redis.call("HINCRBY", H, "h:" .. hour, 1)
if err then
  redis.call("HINCRBY", H, "he:" .. hour, 1)
end
local route = count_route(ARGV[8], 1, tonumber(ARGV[11]), ARGV[13])
if err then
  redis.call("HINCRBY", H, "re:" .. route, 1)
end
redis.call("HINCRBY", H, "rs:" .. route, tonumber(ARGV[9]))
redis.call("HINCRBY", H, "rl:" .. bucket .. ":" .. route, 1)
if reason ~= "" then
  redis.call("HINCRBY", H, "b:" .. reason, 1)
  redis.call("HINCRBY", H, "hb:" .. hour, 1)
  count_offender(ARGV[10], 1, tonumber(ARGV[12]))
end
return 1
