-- strike.lua: count a request the validator refused against its identity; ban at the limit.
-- keys    [1] strike counter (expires one window after the first strike), [2] ban key to set
--         (or the would-be ban key in monitor mode)
-- args    [1] strikes that ban, [2] window ms, [3] ban seconds, [4] ban reason
-- returns the ban seconds when this strike banned, else 0
local count = redis.call("INCR", KEYS[1])
if count == 1 then
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]))
end
if count >= tonumber(ARGV[1]) then
  redis.call("DEL", KEYS[1])
  redis.call("SET", KEYS[2], ARGV[4], "PX", tonumber(ARGV[3]) * 1000)
  return tonumber(ARGV[3])
end
return 0
