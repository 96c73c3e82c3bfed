"""Trading sessions, split by job: records (`store`), what a trade or change writes
(`ledger`), the paper executor (`paper`), the live executor on Delta (`live`, with
`live_orders`), operators' commands (`control`, `kill_switch`), the runner (`runner`), and
what the API and the updates feed show (`view`, `updates`). "Live" means trading on Delta;
running or paused is "active"."""
