-- One node's heartbeat, the one command it sends per interval whatever its rooms and sockets: its deadline in
-- the nodes' sorted set, and the nodes whose deadline passed (dead nodes stay listed for ARGV[3] ms, longer
-- than any room's presence lives, so a late reader still knows their entries are ghosts).
-- The member '~' holds the time of the last heartbeat of any node. When none came for longer than ARGV[5] (two
-- intervals: every live node beats once an interval), no node could beat (Redis or its shard was away, failing over, or a promoted replica lacks the last beats):
-- every node that was alive then gets its deadline moved on by that outage, so an outage of Redis itself never
-- makes live nodes look dead. A node killed meanwhile is then seen dead that much later.
-- KEYS[1] the sorted set of node deadlines (Redis clock, ms)
-- ARGV[1] node id, ARGV[2] time to live (ms), ARGV[3] how long dead nodes stay listed (ms), ARGV[4] '1' when
-- this node has beaten before, ARGV[5] the silence (ms) that counts as an outage
-- Returns {now, 1 when this node's own deadline had passed (others may have reaped it) or its entry is gone
-- although it had beaten before (Redis lost its data) else 0, dead node ids}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('ZSCORE', KEYS[1], '~') or now)
local outage = now - last
if outage > tonumber(ARGV[5]) then
  local alive = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. last, '+inf', 'WITHSCORES')
  for i = 1, #alive, 2 do
    if alive[i] ~= '~' then
      redis.call('ZADD', KEYS[1], tonumber(alive[i + 1]) + outage, alive[i])
    end
  end
end
redis.call('ZADD', KEYS[1], now, '~')
local before = redis.call('ZSCORE', KEYS[1], ARGV[1])
local lapsed = 0
if (before and tonumber(before) < now) or (not before and ARGV[4] == '1') then
  lapsed = 1
end
if lapsed == 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
return {now, lapsed, redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)}
