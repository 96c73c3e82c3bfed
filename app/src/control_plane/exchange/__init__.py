"""Delta Exchange REST: signed client, live market snapshot for the paper engine's step, and a
local fake server that checks signatures the way Delta does."""
