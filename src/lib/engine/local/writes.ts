// Writes one group's books in a single statement: orders (inserted and updated), trades,
// positions, account balances, ledger journals, each book's seq and the event outbox, then
// NOTIFY with the last event id. Set-based (unnest), so a group of hundreds of orders across
// many books is one round trip.
import type pg from 'pg';
import { arrayLiteral, type ArrayElement } from './array-literal';
import type { IdAllocator } from './ids';
import { inOrder } from './pipeline';
import type { BatchMoney, LedgerClock, Posting, PositionState, TraderCash } from './money';
import { fillViewsFor, toOrderView, type OrderRecord, type TradeRecord } from './records';

export const EVENTS_CHANNEL = 'betwise_events';

export interface BookLevelChange {
	seq: number;
	side: 'BUY' | 'SELL';
	priceCents: number;
	quantity: number;
	orders: number;
}

/** What one book's batch writes. */
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
}

const statement = `
WITH
new_orders AS (
	INSERT INTO orders (id, user_id, market_id, option_id, client_order_id, side, type, time_in_force,
		post_only, price_cents, quantity, filled_quantity, status, reject_reason, expires_at, reserved_cents,
		covered_quantity, priority, engine, created_at, updated_at)
	SELECT u.*, $20::timestamptz, $20::timestamptz
	FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::"Side"[],
		$7::"OrderType"[], $8::"TimeInForce"[], $9::boolean[], $10::int[], $11::int[], $12::int[],
		$13::"OrderStatus"[], $14::text[], $15::timestamptz[], $16::bigint[], $17::int[], $18::bigint[],
		$19::"EngineKind"[]) AS u
	RETURNING 1
),
changed_orders AS (
	UPDATE orders o SET price_cents = v.price, quantity = v.quantity, filled_quantity = v.filled,
		status = v.status, reserved_cents = v.reserved, covered_quantity = v.covered, priority = v.priority,
		updated_at = v.updated_at, reject_reason = v.reason
	FROM unnest($21::bigint[], $22::int[], $23::int[], $24::int[], $25::"OrderStatus"[], $26::bigint[],
		$27::int[], $28::bigint[], $29::timestamptz[], $78::text[])
		AS v(id, price, quantity, filled, status, reserved, covered, priority, updated_at, reason)
	WHERE o.id = v.id
	RETURNING 1
),
new_trades AS (
	INSERT INTO trades (id, market_id, option_id, price_cents, quantity, maker_order_id, taker_order_id,
		buyer_id, seller_id, taker_side, book_seq, engine, created_at)
	SELECT t.*, $20::timestamptz
	FROM unnest($30::bigint[], $31::uuid[], $32::uuid[], $33::int[], $34::int[], $35::bigint[],
		$36::bigint[], $37::uuid[], $38::uuid[], $39::"Side"[], $40::bigint[], $41::"EngineKind"[]) AS t
	RETURNING 1
),
new_positions AS (
	INSERT INTO positions (user_id, option_id, quantity, cost_basis_cents, realized_pnl_cents,
		locked_quantity, updated_at)
	SELECT p.*, $20::timestamptz
	FROM unnest($42::uuid[], $43::uuid[], $44::int[], $45::bigint[], $46::bigint[], $47::int[]) AS p
	ON CONFLICT (user_id, option_id) DO UPDATE SET quantity = EXCLUDED.quantity,
		cost_basis_cents = EXCLUDED.cost_basis_cents, realized_pnl_cents = EXCLUDED.realized_pnl_cents,
		locked_quantity = EXCLUDED.locked_quantity, updated_at = EXCLUDED.updated_at
	RETURNING 1
),
-- The postings come in the order they were made; ORDER BY n keeps it through the join, so the
-- rows' ids do too and an account's rows in id order never show a balance it did not have.
trader_ledger AS (
	INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, order_id, trade_id, market_id, created_at)
	SELECT e.journal, a.id, e.kind, e.amount, e.order_id, e.trade_id, e.market_id, $20::timestamptz
	FROM unnest($48::bigint[], $49::uuid[], $50::"AccountKind"[], $51::"LedgerKind"[], $52::bigint[],
		$53::bigint[], $54::bigint[], $55::uuid[]) WITH ORDINALITY
		AS e(journal, user_id, account_kind, kind, amount, order_id, trade_id, market_id, n)
	JOIN accounts a ON a.user_id = e.user_id AND a.kind = e.account_kind
	ORDER BY e.n
	RETURNING 1
),
exchange_ledger AS (
	INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, order_id, trade_id, market_id, created_at)
	SELECT e.journal, a.id, e.kind, e.amount, e.order_id, e.trade_id, e.market_id, $20::timestamptz
	FROM unnest($56::bigint[], $57::"LedgerKind"[], $58::bigint[], $59::bigint[], $60::bigint[],
		$61::uuid[], $62::uuid[]) WITH ORDINALITY
		AS e(journal, kind, amount, order_id, trade_id, option_id, market_id, n)
	JOIN accounts a ON a.option_id = e.option_id
	ORDER BY e.n
	RETURNING 1
),
deltas AS (
	SELECT a.id, d.delta
	FROM unnest($63::uuid[], $64::"AccountKind"[], $65::bigint[]) AS d(user_id, kind, delta)
	JOIN accounts a ON a.user_id = d.user_id AND a.kind = d.kind
),
-- Locks the traders' rows in id order first, so two groups never wait on each other in a cycle.
locked_accounts AS (
	SELECT id FROM accounts WHERE id IN (SELECT id FROM deltas) ORDER BY id FOR NO KEY UPDATE
),
trader_balances AS (
	UPDATE accounts a SET balance_cents = a.balance_cents + deltas.delta
	FROM deltas WHERE a.id = deltas.id AND (SELECT count(*) FROM locked_accounts) >= 0
	RETURNING 1
),
collateral AS (
	UPDATE accounts a SET balance_cents = a.balance_cents + c.delta
	FROM unnest($66::uuid[], $67::bigint[]) AS c(option_id, delta)
	WHERE a.option_id = c.option_id
	RETURNING 1
),
book AS (
	UPDATE books b SET seq = v.seq, last_price_cents = v.last_price, updated_at = $20::timestamptz
	FROM unnest($68::uuid[], $69::bigint[], $70::int[]) AS v(option_id, seq, last_price)
	WHERE b.option_id = v.option_id
	RETURNING 1
),
new_events AS (
	INSERT INTO events (topic, kind, option_id, market_id, user_id, book_seq, payload, created_at)
	SELECT e.*, $20::timestamptz
	-- The payloads come as one JSON array: inside an array literal each would be quoted and escaped.
	FROM ROWS FROM (unnest($71::text[]), unnest($72::text[]), unnest($73::uuid[]), unnest($74::uuid[]),
		unnest($75::uuid[]), unnest($76::bigint[]), json_array_elements($77::json)) AS e
	RETURNING id
)
-- The traders' balances go last: another group commit may hold some of those rows until it
-- commits, and everything before them (this group's own books and rows) can be written meanwhile.
SELECT (SELECT count(*) FROM new_orders) AS inserted_orders,
	(SELECT count(*) FROM changed_orders) AS updated_orders,
	(SELECT count(*) FROM trader_ledger) + (SELECT count(*) FROM exchange_ledger) AS ledger_rows,
	(SELECT count(*) FROM book) AS books,
	(SELECT count(*) FROM new_trades) + (SELECT count(*) FROM new_positions) + (SELECT count(*) FROM collateral) AS other,
	(SELECT pg_notify('${EVENTS_CHANNEL}', max(id)::text) FROM new_events) AS notified,
	(SELECT count(*) FROM trader_balances) AS balances`;

/** Columns of rows, built one row at a time: `columns.add(a, b, c)` appends to each. */
class Columns<T extends ArrayElement[]> {
	readonly lists: { [K in keyof T]: T[K][] };

	constructor(width: T['length']) {
		this.lists = Array.from({ length: width }, () => []) as { [K in keyof T]: T[K][] };
	}

	add(...row: T): void {
		row.forEach((value, index) => (this.lists[index] as unknown[]).push(value));
	}

	/** Each column as an array literal, one parameter per column. */
	literals(): string[] {
		return (this.lists as ArrayElement[][]).map(arrayLiteral);
	}
}

/**
 * Writes a group with one statement and commits it; returns when the write was built (its
 * performance.now()), so the caller can tell Node's time from the database's.
 */
export async function writeGroup(
	client: pg.ClientBase,
	books: BatchWrite[],
	cash: Map<string, TraderCash>,
	clock: LedgerClock,
	now: Date,
	{ ids, namedStatements }: { ids: IdAllocator; namedStatements: boolean }
): Promise<number> {
	const tradeCount = books.reduce((sum, book) => sum + book.trades.length, 0);
	const [tradeIds, journalIds] = await Promise.all([
		ids.take(client, 'trades_id_seq', tradeCount),
		ids.take(client, 'ledger_journal_seq', clock.journals)
	]);

	const inserted = new Columns<
		[
			string,
			string,
			string,
			string,
			string,
			string,
			string,
			string,
			boolean,
			number,
			number,
			number,
			string,
			string | null,
			Date | null,
			number,
			number,
			number,
			string
		]
	>(19);
	const updated = new Columns<
		[string, number, number, number, string, number, number, number, Date]
	>(9);
	/** The updated orders' reasons: a parameter of its own, after the others ($78). */
	const updatedReasons: (string | null)[] = [];
	const trades = new Columns<
		[string, string, string, number, number, string, string, string, string, string, number, string]
	>(12);
	const positions = new Columns<[string, string, number, number, number, number]>(6);
	const traderPostings = new Columns<
		[string, string, string, string, number, string | null, string | null, string]
	>(8);
	const exchangePostings = new Columns<
		[string, string, number, string | null, string | null, string, string]
	>(7);
	const collateral = new Columns<[string, number]>(2);
	const bookRows = new Columns<[string, number, number | null]>(3);
	const events = new Columns<[string, string, string, string, string | null, number | null]>(6);
	const payloads: unknown[] = [];

	const postings: { posting: Posting; book: BatchWrite; tradeOffset: number }[] = [];
	let tradeOffset = 0;
	for (const book of books) {
		const { money } = book;
		book.trades.forEach((trade, index) => (trade.id = tradeIds[tradeOffset + index]));
		for (const o of book.orders) {
			if (o.isNew) {
				inserted.add(
					o.id,
					o.userId,
					o.marketId,
					o.optionId,
					o.clientOrderId,
					o.side,
					o.type,
					o.timeInForce,
					o.postOnly,
					o.priceCents,
					o.quantity,
					o.filledQuantity,
					o.status,
					o.rejectReason,
					o.expiresAt,
					o.reservedCents,
					o.coveredQuantity,
					o.priority,
					o.engine
				);
			} else {
				updated.add(
					o.id,
					o.priceCents,
					o.quantity,
					o.filledQuantity,
					o.status,
					o.reservedCents,
					o.coveredQuantity,
					o.priority,
					o.updatedAt
				);
				updatedReasons.push(o.rejectReason);
			}
		}
		for (const t of book.trades) {
			trades.add(
				t.id!,
				t.marketId,
				t.optionId,
				t.priceCents,
				t.quantity,
				t.makerOrderId,
				t.takerOrderId,
				t.buyerId,
				t.sellerId,
				t.takerSide,
				t.bookSeq,
				t.engine
			);
		}
		for (const p of book.positions) {
			positions.add(
				p.userId,
				book.optionId,
				p.quantity,
				p.costBasisCents,
				p.realizedPnlCents,
				p.lockedQuantity
			);
		}
		for (const posting of money.postings) postings.push({ posting, book, tradeOffset });
		if (money.collateralDeltaCents !== 0) collateral.add(book.optionId, money.collateralDeltaCents);
		bookRows.add(book.optionId, book.seq, book.lastPriceCents);
		for (const e of outboxEvents(book)) {
			events.add(e.topic, e.kind, book.optionId, book.marketId, e.userId, e.seq);
			payloads.push(e.payload);
		}
		tradeOffset += book.trades.length;
	}
	// In the order they were made across books, which the rows' ids keep (see the statement).
	postings.sort((a, b) => a.posting.sequence - b.posting.sequence);
	for (const { posting: p, book, tradeOffset } of postings) {
		const journal = journalIds[p.journal]!;
		const tradeId = p.tradeIndex === null ? null : tradeIds[tradeOffset + p.tradeIndex]!;
		if (p.userId !== null) {
			traderPostings.add(
				journal,
				p.userId,
				p.accountKind,
				p.kind,
				p.amountCents,
				p.orderId,
				tradeId,
				book.marketId
			);
		} else {
			exchangePostings.add(
				journal,
				p.kind,
				p.amountCents,
				p.orderId,
				tradeId,
				book.optionId,
				book.marketId
			);
		}
	}
	// Sorted, so two transactions touching the same traders lock their rows in the same order.
	const deltas = [...cash.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.flatMap(([userId, trader]) => [
			...(trader.availableDeltaCents !== 0
				? [{ userId, kind: 'TRADER_CASH', delta: trader.availableDeltaCents }]
				: []),
			...(trader.reservedDeltaCents !== 0
				? [{ userId, kind: 'TRADER_RESERVED', delta: trader.reservedDeltaCents }]
				: [])
		]);

	const built = performance.now();
	// Named, so each connection parses and plans this large statement once; COMMIT goes with it.
	const write = {
		name: namedStatements ? 'betwise_write_group' : undefined,
		text: statement,
		values: [
			...inserted.literals(),
			now.toISOString(),
			...updated.literals(),
			...trades.literals(),
			...positions.literals(),
			...traderPostings.literals(),
			...exchangePostings.literals(),
			arrayLiteral(deltas.map((d) => d.userId)),
			arrayLiteral(deltas.map((d) => d.kind)),
			arrayLiteral(deltas.map((d) => d.delta)),
			...collateral.literals(),
			...bookRows.literals(),
			...events.literals(),
			JSON.stringify(payloads),
			arrayLiteral(updatedReasons)
		]
	};
	await inOrder(client, [() => client.query(write), () => client.query('COMMIT')] as const);
	for (const book of books) for (const order of book.orders) order.isNew = false;
	return built;
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
			payload: orderUpdateOf(order, batch.trades)
		});
	}
	return events;
}

/**
 * An order as its owner's update: the order, and the fills it made in this group if it made any
 * (only then, as most updates have none and every byte goes to the WAL).
 */
function orderUpdateOf(order: OrderRecord, trades: TradeRecord[]) {
	const fills = fillViewsFor(order.id, trades);
	return fills.length > 0 ? { ...toOrderView(order), fills } : toOrderView(order);
}
