-- anomaly_after.lua: what the anomaly detector learns after the view, for one identity.
-- keys    [1] facts hash (the same ring buffers as anomaly.lua), [2] ban key to set (or the
--         would-be ban key in monitor mode)
-- args    [1] now ms, [2] the view answered an error (status >= 400, not our refusal) 0|1,
--         [3] ban seconds (0: none), [4] ban reason
-- returns 1
local M, WIDTH, N = 1048576, 10000, 12
local now = tonumber(ARGV[1])
if ARGV[2] == "1" then
  local cur = math.floor(now / WIDTH)
  local f = "e" .. (cur % N)
  local v = tonumber(redis.call("HGET", KEYS[1], f)) or 0
  local count = (math.floor(v / M) == cur) and (v % M) or 0
  redis.call("HSET", KEYS[1], f, string.format("%.0f", cur * M + math.min(count + 1, M - 1)))
  if redis.call("PTTL", KEYS[1]) < 0 then
    redis.call("PEXPIRE", KEYS[1], 86400000 + 3600000)
  end
end
local ban = tonumber(ARGV[3])
if ban > 0 then
  redis.call("SET", KEYS[2], ARGV[4], "PX", ban * 1000)
end
return 1
