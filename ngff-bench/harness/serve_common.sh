# Shared by serve_load.sh, serve_profile.sh and serve_variants.sh (sourced, not run).
# serve_make_data WORK SHAPE CHUNKS NGFF_COMMAND...: writes a plain zstd array WORK/data/bench.zarr with the given
# ngff command (./ngff or java -jar), lists its chunk keys in WORK/keys.txt and writes WORK/random.lua, a wrk
# script that GETs a random chunk per request (each wrk thread seeded apart).
serve_make_data() {
    local work="$1" shape="$2" chunks="$3"
    shift 3
    mkdir -p "$work/data"
    "$@" sample "$work/data/bench.zarr" --plain --shape "$shape" --chunks "$chunks" --codec zstd:1 >/dev/null
    (cd "$work/data" && find bench.zarr -type f -path '*/c/*' | sort) > "$work/keys.txt"
    cat > "$work/random.lua" <<LUA
-- one GET of a random chunk per request; each wrk thread has its own generator, seeded apart
local keys = {}
for line in io.lines("$work/keys.txt") do keys[#keys + 1] = "/" .. line end
local n = 0
function setup(thread) n = n + 1; thread:set("seed", n) end
function init(args) math.randomseed(seed or 1) end
function request() return wrk.format("GET", keys[math.random(#keys)]) end
LUA
}

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
