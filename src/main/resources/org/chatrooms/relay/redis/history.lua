-- Reads a room's history: every held entry after a position, or the newest ones; at most `limit`.
-- KEYS[1] the room's stream hash, KEYS[2] its history list
-- ARGV[1] epoch of the position ('' for the current one), ARGV[2] its id (-1: no position), ARGV[3] limit,
-- ARGV[4] idle time to live (ms), used only when a new epoch starts here
-- Returns {epoch, top, first held id, rotated, entries}; epoch '' and top 0 for a room without a stream (reading
-- creates none: a handshake to a new room name costs Redis nothing). The list holds ids first..top without holes
-- (one entry per id, trimmed from the oldest end; publish.lua empties it when a server keeps no history), so an
-- id's index is id - first; a list that does not (written by an older version) is dropped rather than trusted.
-- The same rule as the Java History.slice, which decides from these numbers whether the reader missed anything.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'', 0, 1, 0, {}}
end
local epoch, rotated = current_epoch(KEYS[1], KEYS[2], ARGV[4])
local top = tonumber(redis.call('HGET', KEYS[1], 'top'))
local held = redis.call('LLEN', KEYS[2])
local first = top + 1
if held > 0 then
  first = tonumber(string.match(redis.call('LINDEX', KEYS[2], 0), '^%S+ (%d+) '))
  if first == nil or first + held - 1 ~= top then
    redis.call('DEL', KEYS[2])
    held = 0
    first = top + 1
  end
end
local since = tonumber(ARGV[2])
local from = held - tonumber(ARGV[3])
if since >= 0 and (ARGV[1] == '' or ARGV[1] == epoch) and since <= top then
  from = math.max(from, math.max(since + 1, first) - first)
end
if from < 0 then
  from = 0
end
local entries = {}
if from < held then
  entries = redis.call('LRANGE', KEYS[2], from, -1)
end
return {epoch, top, first, rotated, entries}
