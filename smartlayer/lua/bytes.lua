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

local GET = {nil, nil, get3, get4, nil, get6}

-- x (an integer, 0 <= x < 2^48) as a 6-byte little-endian string
local function bytes6(x)
  local d0 = x % 256
  x = (x - d0) / 256
  local d1 = x % 256
  x = (x - d1) / 256
  local d2 = x % 256
  x = (x - d2) / 256
  local d3 = x % 256
  x = (x - d3) / 256
  local d4 = x % 256
  return string.char(d0, d1, d2, d3, d4, (x - d4) / 256)
end

-- Move a ring of n slots of sb bytes each (the first at q0) to bucket cur: the slots of the
-- buckets passed since its newest (6 bytes at pn) are emptied and taken off its total (tb
-- bytes at pt). A bucket before the newest (another server's clock a little behind) leaves
-- the ring as it is. Returns the ring's newest bucket and its total. (facts.lua's rings and
-- ratelimit.lua's windows.)
local function ring_move(b, pn, pt, tb, q0, n, sb, cur)
  local newest, total = get6(b, pn), GET[tb](b, pt)
  if cur > newest then
    if cur - newest >= n then
      for i = q0, q0 + n * sb - 1 do
        b[i] = 0
      end
      total = 0
    else
      local get = GET[sb]
      for bucket = newest + 1, cur do
        local q = q0 + sb * (bucket % n)
        total = total - get(b, q)
        for i = q, q + sb - 1 do
          b[i] = 0
        end
      end
    end
    put(b, pn, 6, cur)
    put(b, pt, tb, total)
    newest = cur
  end
  return newest, total
end
