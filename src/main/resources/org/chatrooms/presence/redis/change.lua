-- One node's connections of one member in one room change by ARGV[3] (+n joins, -n leaves): O(1), two hash
-- fields. Announces on the room's channel when the member's count over every node goes from 0 to more (join) or
-- back to 0 (leave), in the same atomic step, so announcements leave in the order the counts changed.
-- KEYS[1] the room's presence hash: '<node>|<0/1 verified>|<user>' -> connections of that node
-- KEYS[2] the room's names hash: '<0/1 verified>|<user>' -> connections over every node
-- ARGV[1] '<node>|<v>|<user>', ARGV[2] '<v>|<user>', ARGV[3] delta, ARGV[4] the room's channel,
-- ARGV[5] join event ('' when not announced), ARGV[6] leave event ('' when not announced), ARGV[7] key TTL (ms),
-- ARGV[8] '1' when the channel is sharded (Redis Cluster: SPUBLISH, as publish.lua), else '0' (PUBLISH)
-- Returns the member's connections over every node afterwards.
local publish = ARGV[8] == '1' and 'SPUBLISH' or 'PUBLISH'
local delta = tonumber(ARGV[3])
if delta < 0 then
  -- Never below what this node holds: its entries may have been reaped while it could not reach Redis.
  local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
  delta = math.max(delta, -held)
  if delta == 0 then
    return tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
  end
end
if redis.call('HINCRBY', KEYS[1], ARGV[1], delta) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local total = redis.call('HINCRBY', KEYS[2], ARGV[2], delta)
if total <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  if ARGV[6] ~= '' then
    redis.call(publish, ARGV[4], ARGV[6])
  end
  total = 0
elseif total == delta and ARGV[5] ~= '' then
  redis.call(publish, ARGV[4], ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return total
