-- bytes.lua: little-endian unsigned integers in a table of bytes (from string.byte, back with
-- string.char). The counters of facts.lua and ratelimit.lua live in binary strings: one GET,
-- one string.byte and one string.char cost far less inside Redis than a hash of many small
-- fields (HMGET/HGETALL from a listpack, a tonumber or a field-name parse each).

local function get3(b, p)
  return b[p] + 256 * (b[p + 1] + 256 * b[p + 2])
end

local function get4(b, p)
  return b[p] + 256 * (b[p + 1] + 256 * (b[p + 2] + 256 * b[p + 3]))
end

local function get6(b, p)
  return b[p] + 256 * (b[p + 1] + 256 * (b[p + 2] + 256 * (b[p + 3] + 256 * (b[p + 4] + 256 * b[p + 5]))))
end

local function get7(b, p)
  return get6(b, p) + 281474976710656 * b[p + 6]
end

-- write x (an integer, 0 <= x < 256^n) as n bytes at p
local function put(b, p, n, x)
  for i = p, p + n - 1 do
    local d = x % 256
    b[i] = d
    x = (x - d) / 256
  end
end
