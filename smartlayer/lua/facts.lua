-- facts.lua: the anomaly detector's counters of one identity, kept as one binary string that
-- anomaly.lua reads and writes once per request and anomaly_after.lua adds errors to. (A hash
-- with a field per ring slot cost ~35 us of Redis time per request: HMGET of 66 fields from
-- a listpack and a tonumber each; this string costs ~10: GET, string.byte, the arithmetic,
-- string.char, SET.) This chunk runs on every call of its scripts: constants are literals.
-- The byte helpers (get3, get4, get6, get7, put, ring_move) are in bytes.lua.
-- Layout, little-endian unsigned integers, 256 bytes:
--   [1]        format version 1 (another version or size reads as no facts)
--   per ring, at its offset: newest bucket index (6 bytes), total of its slots (4), then one
--              count per slot (3 bytes, at most 2^24 - 1): slot b % n holds bucket b's count
--              for the n buckets through the newest; older buckets' slots are emptied
--   [244..250] minute activity bitmask, bit k = a request k minutes before [251]
--   [251..256] the minute index the mask was last moved to
-- The rings, as ring_add's arguments (bucket width ms, slots, offset):
--   requests per 1 s over 10 s          1000, 10, 2
--   requests per 10 s over 2 min        10000, 12, 42
--   errors per 10 s over 2 min          10000, 12, 88
--   sensitive hits per 10 s over 1 min  10000, 6, 134
--   requests per hour over 24 h         3600000, 24, 162
local FACTS_SIZE, FACTS_MASK, FACTS_MINUTE = 256, 244, 251

-- the facts as a table of bytes (all zero for an identity without facts)
local function facts_load(key)
  local s = redis.call("GET", key)
  if s and #s == FACTS_SIZE and string.byte(s, 1) == 1 then
    return {string.byte(s, 1, FACTS_SIZE)}
  end
  local b = {1}
  for i = 2, FACTS_SIZE do
    b[i] = 0
  end
  return b
end

local function facts_save(key, b)
  redis.call("SET", key, string.char(unpack(b)), "PX", 90000000)  -- an hour past 24 h
end

-- Count `inc` at `now` in the ring of n slots at offset p and return the ring's total: its n
-- buckets through now's. Moving the ring to now's bucket empties the slots of the buckets
-- passed since its newest. A time before the newest bucket (another server's clock a little
-- behind) counts in the newest.
local function ring_add(b, width, n, p, now, inc)
  local newest, total = ring_move(b, p, p + 6, 4, p + 10, n, 3, math.floor(now / width))
  if inc > 0 then
    local q = p + 10 + 3 * (newest % n)
    local count = get3(b, q)
    local add = math.min(inc, 16777215 - count)
    put(b, q, 3, count + add)
    total = total + add
    put(b, p + 6, 4, total)
  end
  return total
end
