// Writes one batch in a single statement: orders (inserted and updated), trades, positions,
// account balances, ledger journals, the book's seq and the event outbox, then NOTIFY with
// the last event id. Set-based (unnest), so a batch of hundreds of orders is one round trip.
import type pg from 'pg';
import type { IdAllocator } from './ids';
import type { BatchMoney, PositionState } from './money';
import { toOrderView, type OrderRecord, type TradeRecord } from './records';

export const EVENTS_CHANNEL = 'betwise_events';

export interface BookLevelChange {
	seq: number;
	side: 'BUY' | 'SELL';
	priceCents: number;
	quantity: number;
	orders: number;
}

export interface BatchWrite {
	optionId: string;
	marketId: string;
	seq: number;
	lastPriceCents: number | null;
	orders: OrderRecord[];
	trades: TradeRecord[];
	positions: (PositionState & { userId: string })[];
	money: BatchMoney;
	levelChanges: BookLevelChange[];
	now: Date;
	ids: IdAllocator;
	namedStatements: boolean;
}

const statement = `
WITH
new_orders AS (
	INSERT INTO orders (id, user_id, market_id, option_id, client_order_id, side, type, time_in_force,
		post_only, price_cents, quantity, filled_quantity, status, reject_reason, expires_at, reserved_cents,
		covered_quantity, priority, engine, created_at, updated_at)
	SELECT u.*, ($20::timestamptz[])[1], ($20::timestamptz[])[1]
	FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::"Side"[],
		$7::"OrderType"[], $8::"TimeInForce"[], $9::boolean[], $10::int[], $11::int[], $12::int[],
		$13::"OrderStatus"[], $14::text[], $15::timestamptz[], $16::bigint[], $17::int[], $18::bigint[],
		$19::"EngineKind"[]) AS u
	RETURNING 1
),
changed_orders AS (
	UPDATE orders o SET price_cents = v.price, quantity = v.quantity, filled_quantity = v.filled,
		status = v.status, reserved_cents = v.reserved, covered_quantity = v.covered, priority = v.priority,
		updated_at = v.updated_at
	FROM unnest($21::bigint[], $22::int[], $23::int[], $24::int[], $25::"OrderStatus"[], $26::bigint[],
		$27::int[], $28::bigint[], $29::timestamptz[])
		AS v(id, price, quantity, filled, status, reserved, covered, priority, updated_at)
	WHERE o.id = v.id
	RETURNING 1
),
new_trades AS (
	INSERT INTO trades (id, market_id, option_id, price_cents, quantity, maker_order_id, taker_order_id,
		buyer_id, seller_id, taker_side, book_seq, engine, created_at)
	SELECT t.id, $30::uuid, $31::uuid, t.price, t.quantity, t.maker, t.taker, t.buyer, t.seller, t.side,
		t.seq, t.engine, $20[1]
	FROM unnest($32::bigint[], $33::int[], $34::int[], $35::bigint[], $36::bigint[], $37::uuid[],
		$38::uuid[], $39::"Side"[], $40::bigint[], $41::"EngineKind"[])
		AS t(id, price, quantity, maker, taker, buyer, seller, side, seq, engine)
	RETURNING 1
),
new_positions AS (
	INSERT INTO positions (user_id, option_id, quantity, cost_basis_cents, realized_pnl_cents,
		locked_quantity, updated_at)
	SELECT p.user_id, $31::uuid, p.quantity, p.cost, p.realized, p.locked, $20[1]
	FROM unnest($42::uuid[], $43::int[], $44::bigint[], $45::bigint[], $46::int[])
		AS p(user_id, quantity, cost, realized, locked)
	ON CONFLICT (user_id, option_id) DO UPDATE SET quantity = EXCLUDED.quantity,
		cost_basis_cents = EXCLUDED.cost_basis_cents, realized_pnl_cents = EXCLUDED.realized_pnl_cents,
		locked_quantity = EXCLUDED.locked_quantity, updated_at = EXCLUDED.updated_at
	RETURNING 1
),
trader_ledger AS (
	INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, order_id, trade_id, market_id, created_at)
	SELECT e.journal, a.id, e.kind, e.amount, e.order_id, e.trade_id, $30::uuid, $20[1]
	FROM unnest($47::bigint[], $48::uuid[], $49::"AccountKind"[], $50::"LedgerKind"[], $51::bigint[],
		$52::bigint[], $53::bigint[]) AS e(journal, user_id, account_kind, kind, amount, order_id, trade_id)
	JOIN accounts a ON a.user_id = e.user_id AND a.kind = e.account_kind
	RETURNING 1
),
exchange_ledger AS (
	INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, order_id, trade_id, market_id, created_at)
	SELECT e.journal, (SELECT id FROM accounts WHERE option_id = $31::uuid),
		e.kind, e.amount, e.order_id, e.trade_id, $30::uuid, $20[1]
	FROM unnest($54::bigint[], $55::"LedgerKind"[], $56::bigint[], $57::bigint[], $58::bigint[])
		AS e(journal, kind, amount, order_id, trade_id)
	RETURNING 1
),
deltas AS (
	SELECT a.id, d.delta
	FROM unnest($59::uuid[], $60::"AccountKind"[], $61::bigint[]) AS d(user_id, kind, delta)
	JOIN accounts a ON a.user_id = d.user_id AND a.kind = d.kind
),
-- Locks the traders' rows in id order first, so two batches never wait on each other in a cycle.
locked_accounts AS (
	SELECT id FROM accounts WHERE id IN (SELECT id FROM deltas) ORDER BY id FOR NO KEY UPDATE
),
trader_balances AS (
	UPDATE accounts a SET balance_cents = a.balance_cents + deltas.delta
	FROM deltas WHERE a.id = deltas.id AND (SELECT count(*) FROM locked_accounts) >= 0
	RETURNING 1
),
collateral AS (
	UPDATE accounts SET balance_cents = balance_cents + $62::bigint
	WHERE option_id = $31::uuid AND $62::bigint <> 0
	RETURNING 1
),
book AS (
	UPDATE books SET seq = $63::bigint, last_price_cents = $64::int, updated_at = $20[1]
	WHERE option_id = $31::uuid
	RETURNING 1
),
new_events AS (
	INSERT INTO events (topic, kind, option_id, market_id, user_id, book_seq, payload, created_at)
	SELECT e.topic, e.kind, $31::uuid, $30::uuid, e.user_id, e.seq, e.payload, $20[1]
	FROM unnest($65::text[], $66::text[], $67::uuid[], $68::bigint[], $69::jsonb[])
		AS e(topic, kind, user_id, seq, payload)
	RETURNING id
)
SELECT (SELECT count(*) FROM new_orders) AS inserted_orders,
	(SELECT count(*) FROM changed_orders) AS updated_orders,
	(SELECT count(*) FROM trader_ledger) + (SELECT count(*) FROM exchange_ledger) AS ledger_rows,
	(SELECT count(*) FROM trader_balances) AS balances,
	(SELECT count(*) FROM book) AS books,
	(SELECT count(*) FROM new_trades) + (SELECT count(*) FROM new_positions) + (SELECT count(*) FROM collateral) AS other,
	(SELECT pg_notify('${EVENTS_CHANNEL}', max(id)::text) FROM new_events) AS notified`;

export async function writeBatch(client: pg.ClientBase, batch: BatchWrite): Promise<void> {
	const { money, trades } = batch;
	const [tradeIds, journalIds] = await Promise.all([
		batch.ids.take(client, 'trades_id_seq', trades.length),
		batch.ids.take(client, 'ledger_journal_seq', money.journalCount)
	]);
	trades.forEach((trade, index) => (trade.id = tradeIds[index]));

	const inserted = batch.orders.filter((order) => order.isNew);
	const updated = batch.orders.filter((order) => !order.isNew);
	const traderPostings = money.postings.filter((posting) => posting.userId !== null);
	const exchangePostings = money.postings.filter((posting) => posting.userId === null);
	// Sorted, so two batches touching the same traders lock their rows in the same order.
	const deltas = [...money.cash.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.flatMap(([userId, cash]) => [
			...(cash.availableDeltaCents !== 0
				? [{ userId, kind: 'TRADER_CASH', delta: cash.availableDeltaCents }]
				: []),
			...(cash.reservedDeltaCents !== 0
				? [{ userId, kind: 'TRADER_RESERVED', delta: cash.reservedDeltaCents }]
				: [])
		]);
	const events = outboxEvents(batch);
	const tradeIdOf = (index: number | null) => (index === null ? null : tradeIds[index]!);

	// Named, so each connection parses and plans this large statement once.
	await client.query({
		name: batch.namedStatements ? 'betwise_write_batch' : undefined,
		text: statement,
		values: [
			inserted.map((o) => o.id),
			inserted.map((o) => o.userId),
			inserted.map((o) => o.marketId),
			inserted.map((o) => o.optionId),
			inserted.map((o) => o.clientOrderId),
			inserted.map((o) => o.side),
			inserted.map((o) => o.type),
			inserted.map((o) => o.timeInForce),
			inserted.map((o) => o.postOnly),
			inserted.map((o) => o.priceCents),
			inserted.map((o) => o.quantity),
			inserted.map((o) => o.filledQuantity),
			inserted.map((o) => o.status),
			inserted.map((o) => o.rejectReason),
			inserted.map((o) => o.expiresAt),
			inserted.map((o) => o.reservedCents),
			inserted.map((o) => o.coveredQuantity),
			inserted.map((o) => o.priority),
			inserted.map((o) => o.engine),
			[batch.now],
			updated.map((o) => o.id),
			updated.map((o) => o.priceCents),
			updated.map((o) => o.quantity),
			updated.map((o) => o.filledQuantity),
			updated.map((o) => o.status),
			updated.map((o) => o.reservedCents),
			updated.map((o) => o.coveredQuantity),
			updated.map((o) => o.priority),
			updated.map((o) => o.updatedAt),
			batch.marketId,
			batch.optionId,
			trades.map((t) => t.id),
			trades.map((t) => t.priceCents),
			trades.map((t) => t.quantity),
			trades.map((t) => t.makerOrderId),
			trades.map((t) => t.takerOrderId),
			trades.map((t) => t.buyerId),
			trades.map((t) => t.sellerId),
			trades.map((t) => t.takerSide),
			trades.map((t) => t.bookSeq),
			trades.map((t) => t.engine),
			batch.positions.map((p) => p.userId),
			batch.positions.map((p) => p.quantity),
			batch.positions.map((p) => p.costBasisCents),
			batch.positions.map((p) => p.realizedPnlCents),
			batch.positions.map((p) => p.lockedQuantity),
			traderPostings.map((p) => journalIds[p.journal]),
			traderPostings.map((p) => p.userId),
			traderPostings.map((p) => p.accountKind),
			traderPostings.map((p) => p.kind),
			traderPostings.map((p) => p.amountCents),
			traderPostings.map((p) => p.orderId),
			traderPostings.map((p) => tradeIdOf(p.tradeIndex)),
			exchangePostings.map((p) => journalIds[p.journal]),
			exchangePostings.map((p) => p.kind),
			exchangePostings.map((p) => p.amountCents),
			exchangePostings.map((p) => p.orderId),
			exchangePostings.map((p) => tradeIdOf(p.tradeIndex)),
			deltas.map((d) => d.userId),
			deltas.map((d) => d.kind),
			deltas.map((d) => d.delta),
			money.collateralDeltaCents,
			batch.seq,
			batch.lastPriceCents,
			events.map((e) => e.topic),
			events.map((e) => e.kind),
			events.map((e) => e.userId),
			events.map((e) => e.seq),
			events.map((e) => JSON.stringify(e.payload))
		]
	});
	for (const order of inserted) order.isNew = false;
}

interface OutboxEvent {
	topic: string;
	kind: string;
	userId: string | null;
	seq: number | null;
	payload: unknown;
}

/** Book deltas per seq, one row per trade, and each changed order for its owner. */
function outboxEvents(batch: BatchWrite): OutboxEvent[] {
	const events: OutboxEvent[] = [];
	const bySeq = new Map<number, BookLevelChange[]>();
	for (const change of batch.levelChanges) {
		const list = bySeq.get(change.seq) ?? [];
		list.push(change);
		bySeq.set(change.seq, list);
	}
	for (const [seq, levels] of bySeq) {
		events.push({
			topic: `book:${batch.optionId}`,
			kind: 'book.delta',
			userId: null,
			seq,
			payload: {
				seq,
				levels: levels.map(({ side, priceCents, quantity, orders }) => ({
					side,
					priceCents,
					quantity,
					orders
				}))
			}
		});
	}
	for (const trade of batch.trades) {
		events.push({
			topic: `trades:${batch.optionId}`,
			kind: 'trade',
			userId: null,
			seq: trade.bookSeq,
			payload: {
				id: trade.id,
				priceCents: trade.priceCents,
				quantity: trade.quantity,
				takerSide: trade.takerSide
			}
		});
	}
	for (const order of batch.orders) {
		events.push({
			topic: `user:${order.userId}`,
			kind: 'order',
			userId: order.userId,
			seq: null,
			payload: toOrderView(order)
		});
	}
	return events;
}
