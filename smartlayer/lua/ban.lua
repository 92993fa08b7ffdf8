-- section "ban": refuse the request at once if its identity is banned.
-- keys    [1] ban key (a string holding the reason, always with a TTL)
--         [2] would-be ban key (monitor mode only): reported, but refuses nothing, so that
--             monitor mode keeps recording facts
-- args    none
-- reply   {ttl_ms, reason, would-be 0|1}: ttl_ms is -2 when the identity is not banned
SECTIONS.ban = function(ctx, ko, nkeys, ao, nargs)
  local ttl = redis.call("PTTL", KEYS[ko + 1])
  if ttl ~= -2 then
    ctx.blocked = true
    return string.format("%d\31%s\0310", ttl, redis.call("GET", KEYS[ko + 1]) or "")
  end
  if nkeys > 1 then
    ttl = redis.call("PTTL", KEYS[ko + 2])
    if ttl ~= -2 then
      return string.format("%d\31%s\0311", ttl, redis.call("GET", KEYS[ko + 2]) or "")
    end
  end
  return "-2\031\0310"
end
