-- section "ratelimit": check every window of one rule, then count the request in all of
-- them, but only if none refuses it: a refused request consumes nothing anywhere.
-- Each window of W ms is N buckets of W/N ms; a request is admitted while the current
-- bucket plus the N before it hold fewer than the limit, so no span of W ms ever admits
-- more than the limit (the window may look back up to W + W/N ms: see docs/ratelimit.md).
-- keys    [1] the buckets (one binary string, below)
--         [2] lifetime counter (only when the rule has a lifetime limit; no TTL)
-- args    [1] N, [2] lifetime limit (0: none), then per window: seconds, limit, bucket ms
-- reply   {allowed 0|1, refusing window (1-based, #windows+1 = lifetime, 0 = none),
--          retry_after_ms (-1 = never), per window: used, reset_ms, then lifetime used}
--         or {} when an earlier section already refused the request
-- The buckets string (little-endian unsigned integers; get4/get6/put/ring_move are in bytes.lua):
--   [1] format version 1, [2] number of window blocks, then per window, 18 + 4 (N + 1) bytes:
--   bucket width ms (6), newest bucket index (6), total of its slots (6), then one count per
--   slot (4 bytes, at most 2^32 - 1): slot b % (N + 1) holds bucket b for the N + 1 buckets
--   through the newest; the slots of buckets passed are emptied when the window moves on.
--   A window is found again by its bucket width: another rule's windows start empty.
-- (A hash of "<seconds>:<bucket>" fields cost ~25-35 us of Redis time per request: HGETALL
-- and parsing 33 field names; this costs a GET, string.byte, string.char and a SET.)
SECTIONS.ratelimit = function(ctx, keys, args)
  if ctx.blocked then
    return {}
  end
  local n, life_limit, now = tonumber(args[1]), tonumber(args[2]), ctx.now
  local slots = n + 1
  local size = 18 + 4 * slots

  local wins = {}
  for i = 3, #args, 3 do
    wins[#wins + 1] = {limit = tonumber(args[i + 1]), width = tonumber(args[i + 2])}
  end
  local old = redis.call("GET", keys[1])
  local ob, oc = nil, 0
  if old and string.byte(old, 1) == 1 then
    oc = string.byte(old, 2)
    if #old == 2 + oc * size then
      ob = {string.byte(old, 1, #old)}
    end
  end
  -- the new string's bytes: the stored ones when they hold the rule's windows in order (as
  -- they do unless the rule changed), else each window's block from the stored block of the
  -- same width, or empty
  local same = ob ~= nil and oc == #wins
  for i, w in ipairs(wins) do
    same = same and get6(ob, 3 + (i - 1) * size) == w.width
  end
  local b = same and ob or {1, #wins}
  for i, w in ipairs(wins) do
    local p = 3 + (i - 1) * size
    w.p = p
    if not same then
      local from = nil
      for j = 0, (ob and oc or 0) - 1 do
        if get6(ob, 3 + j * size) == w.width then
          from = 3 + j * size
          break
        end
      end
      for k = 0, size - 1 do
        b[p + k] = from and ob[from + k] or 0
      end
      if not from then
        put(b, p, 6, w.width)
      end
    end
    -- move the window to now's bucket (a time before its newest bucket, from a clock a
    -- little behind, counts in the newest)
    w.cur, w.used = ring_move(b, p + 6, p + 12, 6, p + 18, slots, 4, math.floor(now / w.width))
  end

  local function count(w, bucket)
    return get4(b, w.p + 18 + 4 * (bucket % slots))
  end

  -- time until bucket content leaves the window so that `need` requests have dropped out
  local function drop_time(w, need)
    local dropped = 0
    for bucket = w.cur - n, w.cur do
      dropped = dropped + count(w, bucket)
      if dropped >= need and dropped > 0 then
        return (bucket + n + 1) * w.width - now
      end
    end
    return 0
  end

  local refuse, retry = 0, 0
  for i, w in ipairs(wins) do
    if w.used >= w.limit then
      local t = drop_time(w, w.used - w.limit + 1)
      if refuse == 0 or t > retry then refuse, retry = i, t end
    end
  end
  local life_used = 0
  if life_limit > 0 then
    life_used = tonumber(redis.call("GET", keys[2]) or "0")
    if life_used >= life_limit then refuse, retry = #wins + 1, -1 end
  end

  if refuse > 0 then
    ctx.blocked = true  -- nothing written: the buckets moved on only in this copy
  else
    local ttl = 0
    for _, w in ipairs(wins) do
      local q = w.p + 18 + 4 * (w.cur % slots)
      local c = get4(b, q)
      if c < 4294967295 then
        put(b, q, 4, c + 1)
        w.used = w.used + 1
      end
      put(b, w.p + 12, 6, w.used)
      ttl = math.max(ttl, slots * w.width)
    end
    if #wins > 0 then
      redis.call("SET", keys[1], string.char(unpack(b)), "PX", ttl + 1000)
    end
    if life_limit > 0 then life_used = redis.call("INCR", keys[2]) end
  end

  local reply = {refuse == 0 and 1 or 0, refuse, retry}
  for _, w in ipairs(wins) do
    reply[#reply + 1] = w.used
    -- when the oldest bucket holding a request leaves the window
    local reset = 0
    if w.used > 0 then
      for bucket = w.cur - n, w.cur do
        if count(w, bucket) > 0 then
          reset = (bucket + n + 1) * w.width - now
          break
        end
      end
    end
    reply[#reply + 1] = reset
  end
  reply[#reply + 1] = life_used
  return reply
end
