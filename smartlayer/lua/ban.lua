-- section "ban": refuse the request at once if its identity is banned.
-- keys    [1] ban key (a string holding the reason, always with a TTL)
-- args    none
-- reply   {ttl_ms, reason}: ttl_ms is -2 when the identity is not banned
SECTIONS.ban = function(ctx, keys, args)
  local ttl = redis.call("PTTL", keys[1])
  if ttl == -2 then
    return {-2, ""}
  end
  ctx.blocked = true
  return {ttl, redis.call("GET", keys[1]) or ""}
end
