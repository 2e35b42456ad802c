-- A node stopping (or one that found itself declared dead): its deadline is now, so every reader treats what it
-- left behind as a ghost and the next heartbeat of another node reaps it.
-- KEYS[1] the nodes' sorted set; ARGV[1] node id
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000 - 1, ARGV[1])
return 1
