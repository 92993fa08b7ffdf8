-- section "ban": refuse the request at once if its identity is banned.
-- keys    [1] ban key (a string holding the reason, always with a TTL)
--         [2] would-be ban key (monitor mode only): reported, but refuses nothing, so that
--             monitor mode keeps recording facts
-- args    none
-- reply   {ttl_ms, reason, would-be 0|1}: ttl_ms is -2 when the identity is not banned
SECTIONS.ban = function(ctx, keys, args)
  local ttl = redis.call("PTTL", keys[1])
  if ttl ~= -2 then
    ctx.blocked = true
    return {ttl, redis.call("GET", keys[1]) or "", 0}
  end
  if keys[2] then
    ttl = redis.call("PTTL", keys[2])
    if ttl ~= -2 then
      return {ttl, redis.call("GET", keys[2]) or "", 1}
    end
  end
  return {-2, "", 0}
end
