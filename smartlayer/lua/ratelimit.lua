-- section "ratelimit": check every window of one rule, then count the request in all of
-- them, but only if none refuses it: a refused request consumes nothing anywhere.
-- Each window of W ms is N buckets of W/N ms; a request is admitted while the current
-- bucket plus the N before it hold fewer than the limit, so no span of W ms ever admits
-- more than the limit (the window may look back up to W + W/N ms: see docs/ratelimit.md).
-- keys    [1] bucket hash, fields "<window seconds>:<bucket index>"
--         [2] lifetime counter (only when the rule has a lifetime limit; no TTL)
-- args    [1] N, [2] lifetime limit (0: none), then per window: seconds, limit, bucket ms
-- reply   {allowed 0|1, refusing window (1-based, #windows+1 = lifetime, 0 = none),
--          retry_after_ms (-1 = never), per window: used, reset_ms, then lifetime used}
--         or {} when an earlier section already refused the request
SECTIONS.ratelimit = function(ctx, keys, args)
  if ctx.blocked then
    return {}
  end
  local n, life_limit, now = tonumber(args[1]), tonumber(args[2]), ctx.now
  local wins, by_secs = {}, {}
  for i = 3, #args, 3 do
    local width = tonumber(args[i + 2])
    local cur = math.floor(now / width)
    local w = {secs = args[i], limit = tonumber(args[i + 1]), width = width, cur = cur,
               first = cur - n, last = cur, used = 0, counts = {}}
    wins[#wins + 1] = w
    by_secs[w.secs] = w
  end

  local flat, stale = redis.call("HGETALL", keys[1]), {}
  for j = 1, #flat, 2 do
    local field = flat[j]
    local sep = string.find(field, ":", 1, true)
    local w = sep and by_secs[string.sub(field, 1, sep - 1)]
    local idx = sep and tonumber(string.sub(field, sep + 1))
    if w and idx and idx >= w.first then
      local c = tonumber(flat[j + 1])
      w.counts[idx] = c
      w.used = w.used + c
      if idx > w.last then w.last = idx end
      if c > 0 and (w.oldest == nil or idx < w.oldest) then w.oldest = idx end
    else
      stale[#stale + 1] = field
    end
  end
  if #stale > 0 then
    redis.call("HDEL", keys[1], unpack(stale))
  end

  -- time until bucket content leaves the window so that `need` requests have dropped out
  local function drop_time(w, need)
    local dropped = 0
    for idx = w.first, w.last do
      dropped = dropped + (w.counts[idx] or 0)
      if dropped >= need and dropped > 0 then
        return (idx + n + 1) * w.width - now
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
    ctx.blocked = true
  else
    local ttl = 0
    for _, w in ipairs(wins) do
      redis.call("HINCRBY", keys[1], w.secs .. ":" .. w.cur, 1)
      w.counts[w.cur] = (w.counts[w.cur] or 0) + 1
      w.used = w.used + 1
      if w.oldest == nil or w.cur < w.oldest then w.oldest = w.cur end
      ttl = math.max(ttl, (n + 1) * w.width)
    end
    if ttl > 0 then redis.call("PEXPIRE", keys[1], ttl + 1000) end
    if life_limit > 0 then life_used = redis.call("INCR", keys[2]) end
  end

  local reply = {refuse == 0 and 1 or 0, refuse, retry}
  for _, w in ipairs(wins) do
    reply[#reply + 1] = w.used
    -- drop_time(w, 1) without the walk: when the oldest bucket holding a request leaves
    reply[#reply + 1] = w.oldest and (w.oldest + n + 1) * w.width - now or 0
  end
  reply[#reply + 1] = life_used
  return reply
end
