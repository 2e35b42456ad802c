-- Numbers one message and publishes it, in one atomic step (Redis runs one script at a time, and a channel
-- delivers in publish order), so every chat server sees a room's messages in id order; appends it to the room's
-- history in the same step, so a message any server delivered is already in the history.
-- KEYS[1] the room's stream hash, KEYS[2] its history list
-- ARGV[1] the room's channel, ARGV[2] the message payload, ARGV[3] history size, ARGV[4] idle time to live (ms),
-- ARGV[5] '1' when the channel is a sharded one (Redis Cluster: SPUBLISH, counted by SHARDNUMSUB on this shard),
-- else '0' (classic PUBLISH and NUMSUB)
-- ARGV[6..9] for a resend, absent otherwise: the sender's name, the client id its original carried, '1' if the
-- sender is verified else '0', and the client id's member as the payload writes it ("c":"...", to skip entries
-- without it before decoding any)
-- Returns 0 (no id used) when no server subscribes to the room: the message would reach nobody, not even its
-- sender's echo. {'repeat', entry} (no id used) when it is a resend whose original the history holds (the history
-- holds the current epoch only). Otherwise {id, millis, epoch, rotated}.
local sharded = ARGV[5] == '1'
local listeners
if sharded then
  listeners = redis.call('PUBSUB', 'SHARDNUMSUB', ARGV[1])[2]
else
  listeners = redis.call('PUBSUB', 'NUMSUB', ARGV[1])[2]
end
if listeners == 0 then
  return 0
end
local epoch, rotated = current_epoch(KEYS[1], KEYS[2], ARGV[4])
if ARGV[7] then
  -- Newest first: a resend follows its original. Entries are '<epoch> <id> <millis> <json>'.
  local held = redis.call('LRANGE', KEYS[2], 0, -1)
  local verified = ARGV[8] == '1'
  for i = #held, 1, -1 do
    if string.find(held[i], ARGV[9], 1, true) then
      local json = string.match(held[i], '^%S+ %d+ %d+ (.*)$')
      local ok, fields = pcall(cjson.decode, json or '')
      if ok and type(fields) == 'table' and fields.c == ARGV[7] and fields.u == ARGV[6]
          and (fields.v == true) == verified then
        return {'repeat', held[i]}
      end
    end
  end
end
local id = redis.call('HINCRBY', KEYS[1], 'top', 1)
local now = redis.call('TIME')
local millis = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local entry = epoch .. string.format(' %d %d ', id, millis) .. ARGV[2]
if sharded then
  redis.call('SPUBLISH', ARGV[1], entry)
else
  redis.call('PUBLISH', ARGV[1], entry)
end
local size = tonumber(ARGV[3])
if size > 0 then
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('LTRIM', KEYS[2], -size, -1)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
else
  -- A server that keeps no history: older entries would leave a hole before this id, so none are kept.
  redis.call('DEL', KEYS[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {id, millis, epoch, rotated}
