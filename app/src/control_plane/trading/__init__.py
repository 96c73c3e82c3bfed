"""Trading: option pricing, the simulated market, strategy analytics."""
