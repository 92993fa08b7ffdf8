-- ban_index.lua: remember a ban in the index that ban listing reads (no KEYS command).
-- keys    [1] ban index (zset: member "<identity>" , score = expiry ms)
-- args    [1] now ms, [2] identity, [3] ban seconds, [4] longest ban seconds (index TTL)
-- returns number of bans in the index
local now = tonumber(ARGV[1])
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[3]) * 1000, ARGV[2])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[4]) * 1000)
return redis.call("ZCARD", KEYS[1])
