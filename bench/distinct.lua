-- wrk script of the memory check: every request asks the accounts list of the path
-- given as the first script argument a question no earlier request asked: a name
-- to search for, a comma list of ids of a new length, a page size and a sort, in
-- turn. The second argument is the number of requests earlier runs made, so that a
-- new run asks new questions; run it with one thread.
local base, n, tag = nil, 0, ""
local sorts = { "id", "-id", "name", "-name", "created_at", "-created_at", "updated_at" }

-- report.lua, beside this script, prints the RESULT line at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

function init(args)
  base = args[1]
  n = tonumber(args[2] or "0")
  tag = string.format("%d", os.time())
end

function request()
  n = n + 1
  local q
  local kind = n % 3
  if kind == 0 then
    q = string.format("filter[name]=%s-%d", tag, n)
  elseif kind == 1 then
    local ids = {}
    for i = 1, 1 + (n % 400) do ids[i] = tostring(i * 7 + n) end
    q = "filter[id]=" .. table.concat(ids, ",")
  else
    q = string.format("page[size]=%d&page[number]=%d&sort=%s", 1 + n % 100, 1 + n % 37, sorts[1 + n % #sorts])
  end
  return wrk.format("GET", base .. "?" .. q)
end
