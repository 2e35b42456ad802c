-- A node stopping (or one that found itself declared dead): its deadline is past, so every reader treats what it
-- left behind as a ghost and the next heartbeat of another node reaps it. The deadline is set before the last
-- heartbeat of any node ('~', see heartbeat.lua), so an outage's shift of live nodes' deadlines never revives it.
-- KEYS[1] the nodes' sorted set; ARGV[1] node id
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('ZSCORE', KEYS[1], '~') or now)
redis.call('ZADD', KEYS[1], math.min(now, last) - 1, ARGV[1])
return 1
