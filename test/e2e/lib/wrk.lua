-- wrk script: paced keep-alive load (each connection waits args[1] ms before its next request; 0: as fast as it can)
-- and one JSON line of counts when wrk stops (at its duration or on SIGINT).
local pause = 0
function init(args)
  pause = tonumber(args[1] or "0")
end
function delay()
  return pause
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
