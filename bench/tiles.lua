-- wrk script: cycles through the tiles listed in $TILES under $PREFIX, with a bearer token when
-- $TOKEN is set.
local tiles = {}
for line in io.lines(os.getenv("TILES")) do
  tiles[#tiles + 1] = line
end
local prefix = os.getenv("PREFIX") or ""
local suffix = os.getenv("SUFFIX") or ""
local token = os.getenv("TOKEN") or ""
local i = math.random(#tiles)

request = function()
  i = i % #tiles + 1
  local headers = {}
  if token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  return wrk.format("GET", prefix .. "/" .. tiles[i] .. suffix, headers)
end
