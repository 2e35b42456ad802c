-- Makes one node's entries in one room exactly what the node holds: after Redis may have lost some of its writes
-- (a replica promoted before it had them, a restart without persistence) or when the node registers again under
-- a new id. O(entries of the room): it reads the room hash to find what Redis still has of this node. Announces
-- a join for each announced member whose count over every node rises from 0, a leave for each that falls to 0.
-- KEYS[1] the room's presence hash, KEYS[2] its names hash (see change.lua)
-- ARGV[1] the node id, ARGV[2] the room's channel, ARGV[3] the room-event marker, ARGV[4] '1' when the channel is
-- sharded (SPUBLISH) else '0', ARGV[5] key TTL (ms), ARGV[6], ARGV[7], ...: '<0/1 verified>|<user>', connections
-- Returns the number of members whose entry changed.
local publish = ARGV[4] == '1' and 'SPUBLISH' or 'PUBLISH'
local own = ARGV[1] .. '|'
local wanted = {}
for i = 6, #ARGV, 2 do
  wanted[ARGV[i]] = tonumber(ARGV[i + 1])
end
local held = {}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, #own) == own then
    held[string.sub(fields[i], #own + 1)] = tonumber(fields[i + 1])
  end
end
local function announce(kind, name)
  local verified, user = string.match(name, '^([01])|(.*)$')
  if user and (verified == '1' or user ~= 'anonymous') then
    redis.call(publish, ARGV[2], ARGV[3] .. cjson.encode({t = kind, u = user, v = verified == '1'}))
  end
end
local changed = 0
local function adjust(name, delta)
  if delta == 0 then
    return
  end
  changed = changed + 1
  if redis.call('HINCRBY', KEYS[1], own .. name, delta) <= 0 then
    redis.call('HDEL', KEYS[1], own .. name)
  end
  local total = redis.call('HINCRBY', KEYS[2], name, delta)
  local before = total - delta
  if total <= 0 then
    redis.call('HDEL', KEYS[2], name)
    if before > 0 then
      announce('leave', name)
    end
  elseif before <= 0 then
    announce('join', name)
  end
end
for name, count in pairs(wanted) do
  adjust(name, count - (held[name] or 0))
end
for name, count in pairs(held) do
  if wanted[name] == nil then
    adjust(name, -count)
  end
end
if changed > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
return changed
