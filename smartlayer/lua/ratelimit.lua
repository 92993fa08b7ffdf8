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
SECTIONS.ratelimit = function(ctx, ko, nkeys, ao, nargs)
  if ctx.blocked then
    return ""
  end
  local n, life_limit, now = tonumber(ARGV[ao + 1]), tonumber(ARGV[ao + 2]), ctx.now
  local slots = n + 1
  local size = 18 + 4 * slots

  -- per window i: its limit, bucket width, block offset, newest bucket and count (parallel
  -- arrays: a table per window cost a few rehashes each as fields were added)
  local nw = (nargs - 2) / 3
  local limit, width, pos, cur, used = {}, {}, {}, {}, {}
  for i = 1, nw do
    limit[i], width[i] = tonumber(ARGV[ao + 3 * i + 1]), tonumber(ARGV[ao + 3 * i + 2])
    pos[i] = 3 + (i - 1) * size
  end
  local old = redis.call("GET", KEYS[ko + 1])
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
  local same = ob ~= nil and oc == nw
  for i = 1, nw do
    same = same and get6(ob, pos[i]) == width[i]
  end
  local b = same and ob or {1, nw}
  for i = 1, nw do
    local p = pos[i]
    if not same then
      local from = nil
      for j = 0, (ob and oc or 0) - 1 do
        if get6(ob, 3 + j * size) == width[i] then
          from = 3 + j * size
          break
        end
      end
      for k = 0, size - 1 do
        b[p + k] = from and ob[from + k] or 0
      end
      if not from then
        put(b, p, 6, width[i])
      end
    end
    -- move the window to now's bucket (a time before its newest bucket, from a clock a
    -- little behind, counts in the newest)
    cur[i], used[i] = ring_move(b, p + 6, p + 12, 6, p + 18, slots, 4, math.floor(now / width[i]))
  end

  local refuse, retry = 0, 0
  for i = 1, nw do
    if used[i] >= limit[i] then
      -- when enough bucket content has left the window for one more request to fit
      local need, dropped, t = used[i] - limit[i] + 1, 0, 0
      for bucket = cur[i] - n, cur[i] do
        dropped = dropped + get4(b, pos[i] + 18 + 4 * (bucket % slots))
        if dropped >= need and dropped > 0 then
          t = (bucket + n + 1) * width[i] - now
          break
        end
      end
      if refuse == 0 or t > retry then refuse, retry = i, t end
    end
  end
  local life_used = 0
  if life_limit > 0 then
    life_used = tonumber(redis.call("GET", KEYS[ko + 2]) or "0")
    if life_used >= life_limit then refuse, retry = nw + 1, -1 end
  end

  if refuse > 0 then
    ctx.blocked = true  -- nothing written: the buckets moved on only in this copy
  else
    local ttl = 0
    for i = 1, nw do
      local p = pos[i]
      local q = p + 18 + 4 * (cur[i] % slots)
      local c = get4(b, q)
      if c < 4294967295 then
        put(b, q, 4, c + 1)
        used[i] = used[i] + 1
      end
      put(b, p + 12, 6, used[i])
      ttl = math.max(ttl, slots * width[i])
    end
    if nw > 0 then
      redis.call("SET", KEYS[ko + 1], string.char(unpack(b)), "PX", ttl + 1000)
    end
    if life_limit > 0 then life_used = redis.call("INCR", KEYS[ko + 2]) end
  end

  local reply = {string.format("%d\31%d\31%d", refuse == 0 and 1 or 0, refuse, retry)}
  for i = 1, nw do
    -- reset: when the oldest bucket holding a request leaves the window. Most often every
    -- request of the window is in its newest bucket (long windows), found without a walk.
    local u, reset = used[i], 0
    if u > 0 then
      local p, c = pos[i] + 18, cur[i]
      local bucket = c
      if get4(b, p + 4 * (c % slots)) < u then
        bucket = nil
        for k = c - n, c do
          local q = p + 4 * (k % slots)
          if b[q] + b[q + 1] + b[q + 2] + b[q + 3] > 0 then
            bucket = k
            break
          end
        end
      end
      reset = bucket and (bucket + n + 1) * width[i] - now or 0
    end
    reply[i + 1] = string.format("%d\31%d", u, reset)
  end
  reply[nw + 2] = life_used
  return table.concat(reply, "\31")
end
