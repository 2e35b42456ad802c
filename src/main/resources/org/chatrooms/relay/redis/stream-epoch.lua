-- The start of both stream scripts (publish.lua, history.lua): the room's current epoch.
--
-- A room's stream is a hash {epoch, run, top} and a list of its newest entries, both under the room's hash tag.
-- `run` names the copy of the data that started the epoch: the Redis process (run_id) and its replication history
-- (master_replid, which changes whenever a replica is promoted). A stream numbered by another copy may be older
-- than what the chat servers already delivered: Redis restarted from an older RDB/AOF, a lagging replica took
-- over, or an old master came back. Its counter would hand out ids that were used for other messages, so such a
-- stream (or a missing one) starts a new epoch: a new token, top 0, history cleared. Returns the epoch and 1 when
-- an older one was replaced.
local function data_copy()
  local server = redis.call('INFO', 'server')
  local replication = redis.call('INFO', 'replication')
  return string.match(server, 'run_id:(%x+)') .. ':' .. (string.match(replication, 'master_replid:(%x+)') or '')
end

local function current_epoch(stream, history, ttl)
  local copy = data_copy()
  local known = redis.call('HMGET', stream, 'epoch', 'run')
  if known[1] and known[2] == copy then
    return known[1], 0
  end
  local now = redis.call('TIME')
  local epoch = string.sub(redis.sha1hex(copy .. ' ' .. now[1] .. ' ' .. now[2] .. ' ' .. stream), 1, 12)
  redis.call('DEL', history)
  redis.call('HSET', stream, 'epoch', epoch, 'run', copy, 'top', 0)
  redis.call('PEXPIRE', stream, ttl)
  if known[1] then
    return epoch, 1
  end
  return epoch, 0
end

