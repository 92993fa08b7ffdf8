-- pre_request.lua: everything one request needs before the view, in one atomic call.
-- The loader puts the section files (ban.lua, ratelimit.lua, ...) before this one; each
-- adds a function to SECTIONS. Every key shares the request identity's {hash tag}.
-- ARGV[1]   now, in milliseconds (smartlayer.clock)
-- ARGV[2..] per section: name, number of keys, number of args, then its args
-- KEYS      each section's keys, in section order
-- returns   one reply per section, in order, each flattened to one string whose fields are
--           separated by "\31" (parsing one bulk string costs redis-py far less than a nested
--           array). A section sees ctx.blocked when an earlier one refused the request, so
--           that a refused request consumes no quota.
local ctx = {now = tonumber(ARGV[1]), blocked = false}
local replies = {}
local a, k = 2, 0
while a <= #ARGV do
  -- a section reads its keys at KEYS[k + 1 ..] and its args at ARGV[a + 3 ..]
  local nkeys, nargs = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  replies[#replies + 1] = SECTIONS[ARGV[a]](ctx, k, nkeys, a + 2, nargs)
  a, k = a + 3 + nargs, k + nkeys
end
return replies
