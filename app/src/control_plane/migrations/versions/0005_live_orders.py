"""live sessions: orders sent to Delta but not yet recorded, operators' close requests, and
the exchange's order id of each fill

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = [
    # JSON: the orders of one open or close, with their client_order_ids, written before they
    # are sent, so that a restart finds them on Delta by id instead of sending them again.
    "ALTER TABLE trading_sessions ADD COLUMN pending_orders TEXT",
    # JSON: a stop, panic or kill switch asked of a live session whose position must be bought
    # back on Delta; the engine does it.
    "ALTER TABLE trading_sessions ADD COLUMN close_request TEXT",
    "ALTER TABLE trading_fills ADD COLUMN exchange_order_id INTEGER",
]

DOWNGRADE = [
    "ALTER TABLE trading_fills DROP COLUMN exchange_order_id",
    "ALTER TABLE trading_sessions DROP COLUMN close_request",
    "ALTER TABLE trading_sessions DROP COLUMN pending_orders",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
