-- Removes the entries of dead nodes from one room and announces the members that had no other connection.
-- Deaths are rare: this reads the whole room hash (O(entries)). The entries are gone once one node ran it, so
-- several nodes reaping the same room announce each leave once.
-- KEYS[1] the room's presence hash, KEYS[2] its names hash (see change.lua)
-- ARGV[1] the room's channel, ARGV[2] the room-event marker, ARGV[3] '1' when the channel is sharded (SPUBLISH)
-- else '0', ARGV[4...] the dead nodes' ids
-- Returns the number of members announced as leaving.
local publish = ARGV[3] == '1' and 'SPUBLISH' or 'PUBLISH'
local dead = {}
for i = 4, #ARGV do
  dead[ARGV[i]] = true
end
local fields = redis.call('HGETALL', KEYS[1])
local left = 0
for i = 1, #fields, 2 do
  local node, name = string.match(fields[i], '^([^|]*)|(.*)$')
  if node and dead[node] then
    redis.call('HDEL', KEYS[1], fields[i])
    local total = redis.call('HINCRBY', KEYS[2], name, -tonumber(fields[i + 1]))
    if total <= 0 then
      redis.call('HDEL', KEYS[2], name)
      local verified, user = string.match(name, '^([01])|(.*)$')
      if user and (verified == '1' or user ~= 'anonymous') then
        redis.call(publish, ARGV[1], ARGV[2] .. cjson.encode({t = 'leave', u = user, v = verified == '1'}))
        left = left + 1
      end
    end
  end
end
return left
