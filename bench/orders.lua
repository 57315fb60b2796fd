-- wrk script of the orders benchmark (bench/orders.sh). Arguments after --:
--   1: EVERY, every how many requests of a thread one POSTs a sales order (1: all do;
--      the others GET the URL's path)
--   2: the path to POST to
--   3...: the order bodies, taken in turn (a prepaid and a postpaid order), each of
--      which buys a new subscription, so every POST writes a new order.
-- Every thread starts at another body, so that one client alternates too.
dofile("bench/report.lua")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local every, post, bodies, n, posts = 1, nil, {}, 0, 0
function init(args)
  every = tonumber(args[1]) or 1
  post = args[2]
  for i = 3, #args do bodies[#bodies + 1] = args[i] end
  posts = tid or 0
end

function request()
  n = n + 1
  if n % every ~= 0 then
    return wrk.format("GET")
  end
  posts = posts + 1
  return wrk.format("POST", post, nil, bodies[posts % #bodies + 1])
end
