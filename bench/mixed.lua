-- wrk script of the mixed scenario: every 10th request of a thread creates an account
-- (POST to the path given as the first script argument), the others GET the URL's
-- path. Each create has an e-mail of its own, so each makes a new owner user as well.
-- Without an argument every request is the GET: the bare and read-only targets run
-- through the same request function, so the client's cost per request is the same
-- in all three and the ratios compare the servers' work alone.
local creates, every, n, tag = nil, 10, 0, ""

-- report.lua, beside this script, prints the RESULT line at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  creates = args[1]
  tag = string.format("%d-%d", os.time(), id)
end

function request()
  n = n + 1
  if creates == nil or n % every ~= 0 then
    return wrk.format("GET")
  end
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/vnd.api+json"
  local body = string.format(
    '{"data":{"type":"accounts","attributes":{"account_type_id":"2","first_name":"Mixed",' ..
    '"last_name":"Load %s %d","email":"mixed-%s-%d@example.com"}}}', tag, n, tag, n)
  return wrk.format("POST", creates, headers, body)
end
