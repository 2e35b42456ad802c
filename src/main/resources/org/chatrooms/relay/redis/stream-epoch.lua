-- The start of both stream scripts (publish.lua, history.lua): the room's current epoch.
--
-- A room's stream is a hash {epoch, run, top} and a list of its newest entries, both under the room's hash tag.
-- `run` is the run_id of the Redis process that started the epoch. A stream numbered by another process may be
-- older than what the chat servers already delivered: Redis restarted from an older RDB/AOF, or a lagging replica
-- took over. Its counter would hand out ids that were used for other messages, so such a stream (or a missing one)
-- starts a new epoch: a new token, top 0, history cleared. Returns the epoch and 1 when an older one was replaced.
local function current_epoch(stream, history, ttl)
  local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
  local known = redis.call('HMGET', stream, 'epoch', 'run')
  if known[1] and known[2] == run then
    return known[1], 0
  end
  local now = redis.call('TIME')
  local epoch = string.sub(redis.sha1hex(run .. ' ' .. now[1] .. ' ' .. now[2] .. ' ' .. stream), 1, 12)
  redis.call('DEL', history)
  redis.call('HSET', stream, 'epoch', epoch, 'run', run, 'top', 0)
  redis.call('PEXPIRE', stream, ttl)
  if known[1] then
    return epoch, 1
  end
  return epoch, 0
end

