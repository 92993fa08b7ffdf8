-- anomaly_after.lua: what the anomaly detector learns after the view, for one identity.
-- bytes.lua and facts.lua are put before this file by the loader.
-- keys    [1] facts (the string of facts.lua), [2] ban key to set (or the would-be ban key
--         in monitor mode)
-- args    [1] now ms, [2] the view answered an error (status >= 400, not our refusal) 0|1,
--         [3] ban seconds (0: none), [4] ban reason
-- returns 1
if ARGV[2] == "1" then
  local b = facts_load(KEYS[1])
  ring_add(b, 10000, 12, 88, tonumber(ARGV[1]), 1)  -- the errors ring
  facts_save(KEYS[1], b)
end
local ban = tonumber(ARGV[3])
if ban > 0 then
  redis.call("SET", KEYS[2], ARGV[4], "PX", ban * 1000)
end
return 1
