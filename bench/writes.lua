-- wrk script of the write benchmark (bench/writes.sh): POSTs an account create whose
-- e-mail no other request of the run uses, so every request creates an account and
-- its owner user. wrk's argument after -- is a prefix that keeps runs apart.
dofile("bench/report.lua")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local prefix, counter = "w", 0
function init(args)
  prefix = args[1] or prefix
end

function request()
  counter = counter + 1
  local body = string.format('{"data":{"type":"accounts","attributes":{"account_type_id":2,' ..
    '"first_name":"Bench","last_name":"Writer","email":"%s-%d-%d@example.com"}}}', prefix, tid, counter)
  return wrk.format("POST", nil, nil, body)
end
