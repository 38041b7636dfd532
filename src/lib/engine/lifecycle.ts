// Market status transitions, each one transaction holding every book lock of the market:
// halt and reopen; close (cancels every resting order and releases what it held); resolve
// (settles every position: 100¢ per long share of the winner and short share of each loser);
// void (refunds positions at cost). Each bumps the books' seq, so every engine reloads them.
// Moving a market's close time is one too. Each writes its market audit row in its transaction.
import type pg from 'pg';
import { inTransaction } from '$lib/server/db/transaction';
import type { MarketAuditAction, MarketAuditState } from '$lib/shared/market-audit';
import { BY_THE_APP, recordMarketChange, type MarketActor } from './market-audit';

export type { MarketActor } from './market-audit';

export type MarketStatus = 'OPEN' | 'HALTED' | 'CLOSED' | 'RESOLVED';

export type LifecycleResult =
	| {
			ok: true;
			status: MarketStatus;
			cancelledOrders: number;
			settledPositions: number;
			paidCents: number;
	  }
	| {
			ok: false;
			code: 'MARKET_NOT_FOUND' | 'INVALID_TRANSITION' | 'UNKNOWN_OPTION';
			message: string;
	  };

const RESTING = `status IN ('OPEN', 'PARTIALLY_FILLED')`;

interface LockedMarket {
	status: MarketStatus;
	closesAt: Date;
	/** Its close time has come (by the transaction's clock). */
	due: boolean;
}

/** Takes every book lock of the market (in option id order, as batches never take two) and its row. */
async function lockMarket(client: pg.ClientBase, marketId: string): Promise<LockedMarket | null> {
	await client.query(
		`SELECT pg_advisory_xact_lock(hashtextextended(id::text, 7))
		   FROM (SELECT id FROM market_options WHERE market_id = $1 ORDER BY id) options`,
		[marketId]
	);
	const { rows } = await client.query<{ status: MarketStatus; closes_at: Date; due: boolean }>(
		'SELECT status, closes_at, closes_at <= now() AS due FROM markets WHERE id = $1 FOR UPDATE',
		[marketId]
	);
	const row = rows[0];
	return row ? { status: row.status, closesAt: row.closes_at, due: row.due } : null;
}

/** The market's state as its audit entries keep it. */
function stateOf(market: { status: MarketStatus; closesAt: Date }): MarketAuditState {
	return { status: market.status, closesAt: market.closesAt.toISOString() };
}

const notFound = (marketId: string) =>
	({ ok: false, code: 'MARKET_NOT_FOUND', message: `No market ${marketId}` }) as const;

/**
 * Bumps every book's seq and tells subscribers the book changed wholesale, and tells the
 * market's own topic its status (as the transaction has left it) for pages open on it.
 */
async function bumpBooks(client: pg.ClientBase, marketId: string, kind: string): Promise<void> {
	await client.query(
		`WITH bumped AS (
		     UPDATE books b SET seq = b.seq + 1, updated_at = now()
		       FROM market_options o WHERE o.id = b.option_id AND o.market_id = $1
		     RETURNING b.option_id, b.seq),
		 book_events AS (
		     INSERT INTO events (topic, kind, option_id, market_id, book_seq, payload)
		     SELECT 'book:' || option_id, $2::text, option_id, $1::uuid, seq, json_build_object('seq', seq::text, 'reason', $2::text)
		       FROM bumped RETURNING id),
		 market_event AS (${insertMarketEvent})
		 SELECT pg_notify('betwise_events', max(id)::text)
		   FROM (SELECT id FROM book_events UNION ALL SELECT id FROM market_event) ids`,
		[marketId, kind]
	);
}

/** The kind of the event on `market:<id>` that carries the market's new status. */
export const MARKET_STATUS_EVENT = 'market.status';

/**
 * SQL for a market row's state as markets.onStatus sends it (`alias` names the markets row):
 * its status, how it ended, and its close time.
 */
export function marketStatusJson(alias: string): string {
	return `json_build_object('marketId', ${alias}.id, 'status', ${alias}.status,
	        'resolution', ${alias}.resolution, 'resolvedOptionId', ${alias}.resolved_option_id,
	        'closesAt', ${alias}.closes_at)`;
}

/** Tells the market's own topic its state (as the transaction has left it); `$1` is the market. */
const insertMarketEvent = `
		     INSERT INTO events (topic, kind, market_id, payload)
		     SELECT 'market:' || m.id, '${MARKET_STATUS_EVENT}', m.id, ${marketStatusJson('m')}
		       FROM markets m WHERE m.id = $1 RETURNING id`;

interface StatusChange {
	from: MarketStatus[];
	to: MarketStatus;
	action: MarketAuditAction;
	/** Only a market whose close time has come (the closer's check, under the market's lock). */
	onlyIfDue?: boolean;
}

function changeStatus(
	pool: pg.Pool,
	marketId: string,
	by: MarketActor,
	{ from, to, action, onlyIfDue = false }: StatusChange
): Promise<LifecycleResult> {
	return inTransaction(pool, async (client) => {
		const market = await lockMarket(client, marketId);
		if (!market) return notFound(marketId);
		if (!from.includes(market.status)) {
			return {
				ok: false,
				code: 'INVALID_TRANSITION',
				message: `A ${market.status} market cannot become ${to}`
			};
		}
		if (onlyIfDue && !market.due) {
			return {
				ok: false,
				code: 'INVALID_TRANSITION',
				message: `Market ${marketId} closes at ${market.closesAt.toISOString()}, not yet`
			};
		}
		const cancelledOrders = to === 'CLOSED' ? await cancelResting(client, marketId) : 0;
		await client.query('UPDATE markets SET status = $2, updated_at = now() WHERE id = $1', [
			marketId,
			to
		]);
		await bumpBooks(client, marketId, `market.${to.toLowerCase()}`);
		await recordMarketChange(client, marketId, by, action, stateOf(market), {
			...stateOf({ ...market, status: to }),
			...(to === 'CLOSED' ? { cancelledOrders } : {})
		});
		return { ok: true, status: to, cancelledOrders, settledPositions: 0, paidCents: 0 };
	});
}

/** A status change by `by` (the app itself when not given). */
type Transition = (pool: pg.Pool, marketId: string, by?: MarketActor) => Promise<LifecycleResult>;

const transition =
	(change: StatusChange): Transition =>
	(pool, marketId, by = BY_THE_APP) =>
		changeStatus(pool, marketId, by, change);

/** Stops new orders; the book and its resting orders stay. */
export const haltMarket = transition({ from: ['OPEN'], to: 'HALTED', action: 'HALT' });
export const reopenMarket = transition({ from: ['HALTED'], to: 'OPEN', action: 'REOPEN' });
/** Stops trading for good: every resting order is cancelled and releases its cash and shares. */
export const closeMarket = transition({ from: ['OPEN', 'HALTED'], to: 'CLOSED', action: 'CLOSE' });

/** Why the closer closed a market, in its audit entry (which names no one). */
export const CLOSE_TIME_REACHED = 'Close time reached';

export type CloseTimeResult =
	| { ok: true; status: MarketStatus; closesAt: Date }
	| { ok: false; code: 'MARKET_NOT_FOUND' | 'MARKET_NOT_OPEN'; message: string };

/**
 * Moves an OPEN or HALTED market's close time (callers check that it is in the future). The
 * closer and every engine read the close time from the market's row, so the change holds for
 * every process at once: a market moved past its old close time (and not closed yet) trades
 * again. Pages open on the market hear it on the market's topic, as they hear a status change.
 */
export function setMarketCloseTime(
	pool: pg.Pool,
	marketId: string,
	closesAt: Date,
	by: MarketActor = BY_THE_APP
): Promise<CloseTimeResult> {
	return inTransaction(pool, async (client): Promise<CloseTimeResult> => {
		const market = await lockMarket(client, marketId);
		if (!market) return notFound(marketId);
		if (market.status !== 'OPEN' && market.status !== 'HALTED') {
			return {
				ok: false,
				code: 'MARKET_NOT_OPEN',
				message: `A ${market.status} market's close time cannot change`
			};
		}
		const { rows } = await client.query<{ closes_at: Date }>(
			'UPDATE markets SET closes_at = $2, updated_at = now() WHERE id = $1 RETURNING closes_at',
			[marketId, closesAt]
		);
		// A statement of its own: in the update's, the event would read the row as it was before.
		await client.query(
			`WITH market_event AS (${insertMarketEvent})
			 SELECT pg_notify('betwise_events', id::text) FROM market_event`,
			[marketId]
		);
		const moved = { status: market.status, closesAt: rows[0]!.closes_at };
		await recordMarketChange(client, marketId, by, 'CLOSE_TIME', stateOf(market), stateOf(moved));
		return { ok: true, ...moved };
	});
}

/**
 * Closes every market whose close time has passed and is still OPEN or HALTED, each in its own
 * transaction as an admin's close is (its resting orders cancelled, their holds released).
 * Every app process runs it: a market another process or an admin closed first is skipped.
 * Returns the ids this call closed. Until it runs, the engines already refuse such a market's
 * orders (see the group commit's read of the books' state).
 */
export async function closeDueMarkets(pool: pg.Pool): Promise<string[]> {
	const { rows } = await pool.query<{ id: string }>(
		`SELECT id FROM markets WHERE status IN ('OPEN', 'HALTED') AND closes_at <= now()
		  ORDER BY closes_at, id`
	);
	const closed: string[] = [];
	for (const { id } of rows) {
		// Due again under the market's lock: an admin may have moved its close time since the read.
		const result = await changeStatus(
			pool,
			id,
			{ actorId: null, reason: CLOSE_TIME_REACHED },
			{ from: ['OPEN', 'HALTED'], to: 'CLOSED', action: 'CLOSE', onlyIfDue: true }
		);
		if (result.ok) closed.push(id);
	}
	return closed;
}

/** Closes due markets (closeDueMarkets) every `intervalMs`; returns the function that stops it. */
export function startMarketCloser(pool: pg.Pool, intervalMs = 1_000): () => void {
	let running = false;
	const timer = setInterval(() => {
		if (running) return;
		running = true;
		closeDueMarkets(pool)
			.catch((error: unknown) => console.error('closing due markets failed', error))
			.finally(() => (running = false));
	}, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}

/** Cancels every resting order of the market, releasing reserves and share locks. Returns how many. */
async function cancelResting(client: pg.ClientBase, marketId: string): Promise<number> {
	const { rows } = await client.query<{ cancelled: string }>(
		`WITH old AS (
		     SELECT id, user_id, option_id, reserved_cents, covered_quantity FROM orders
		      WHERE market_id = $1 AND ${RESTING} FOR UPDATE),
		 cancelled AS (
		     UPDATE orders o SET status = 'CANCELLED', reject_reason = 'MARKET_CLOSED', reserved_cents = 0,
		            covered_quantity = 0, updated_at = now()
		       FROM old WHERE o.id = old.id
		     RETURNING o.*, old.reserved_cents AS was_reserved, old.covered_quantity AS was_covered),
		 unlocked AS (
		     UPDATE positions p SET locked_quantity = p.locked_quantity - s.covered, updated_at = now()
		       FROM (SELECT user_id, option_id, sum(was_covered)::int AS covered FROM cancelled
		              GROUP BY user_id, option_id) s
		      WHERE p.user_id = s.user_id AND p.option_id = s.option_id AND s.covered > 0
		     RETURNING 1),
		 journals AS (
		     SELECT id AS order_id, user_id, was_reserved AS reserved_cents,
		            nextval('ledger_journal_seq') AS journal_id
		       FROM cancelled WHERE was_reserved > 0),
		 released AS (
		     INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, order_id, market_id)
		     SELECT j.journal_id, a.id, 'RELEASE',
		            CASE a.kind WHEN 'TRADER_CASH' THEN j.reserved_cents ELSE -j.reserved_cents END, j.order_id, $1
		       FROM journals j JOIN accounts a ON a.user_id = j.user_id AND a.kind IN ('TRADER_CASH', 'TRADER_RESERVED')
		     RETURNING 1),
		 balances AS (
		     UPDATE accounts a SET balance_cents = a.balance_cents
		            + CASE a.kind WHEN 'TRADER_CASH' THEN s.total ELSE -s.total END
		       FROM (SELECT user_id, sum(was_reserved) AS total FROM cancelled GROUP BY user_id) s
		      WHERE a.user_id = s.user_id AND a.kind IN ('TRADER_CASH', 'TRADER_RESERVED') AND s.total > 0
		     RETURNING 1),
		 -- Each owner's update is the whole order, as the engines' updates are (records.ts toOrderView).
		 order_events AS (
		     INSERT INTO events (topic, kind, option_id, market_id, user_id, payload)
		     SELECT 'user:' || user_id, 'order', option_id, $1, user_id,
		            json_build_object('id', id::text, 'clientOrderId', client_order_id, 'userId', user_id,
		              'marketId', market_id, 'optionId', option_id, 'side', side, 'type', type,
		              'timeInForce', time_in_force, 'postOnly', post_only, 'priceCents', price_cents,
		              'quantity', quantity, 'filledQuantity', filled_quantity, 'status', status,
		              'rejectReason', reject_reason, 'expiresAt', expires_at, 'engine', engine,
		              'createdAt', created_at, 'updatedAt', updated_at)
		       FROM cancelled RETURNING 1)
		 SELECT (SELECT count(*) FROM cancelled)::text AS cancelled,
		        (SELECT count(*) FROM unlocked) + (SELECT count(*) FROM released)
		        + (SELECT count(*) FROM balances) + (SELECT count(*) FROM order_events) AS writes`,
		[marketId]
	);
	return Number(rows[0]?.cancelled ?? 0);
}

interface Payout {
	user_id: string;
	option_id: string;
	quantity: number;
	cost_basis_cents: string;
	payout_cents: string;
}

/**
 * Pays out and closes every position of the market in one journal per position, from the
 * collateral account, and books the realized PnL (payout − cost).
 */
async function settlePositions(
	client: pg.ClientBase,
	marketId: string,
	payouts: Payout[],
	kind: string
) {
	if (payouts.length === 0) return 0;
	const { rows } = await client.query<{ paid: string | null }>(
		`WITH p AS (
		     SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::bigint[])
		         AS p(user_id, option_id, cost, payout)),
		 closed AS (
		     UPDATE positions pos SET quantity = 0, locked_quantity = 0, cost_basis_cents = 0,
		            realized_pnl_cents = pos.realized_pnl_cents + p.payout - p.cost, updated_at = now()
		       FROM p WHERE pos.user_id = p.user_id AND pos.option_id = p.option_id RETURNING 1),
		 journals AS (SELECT p.*, nextval('ledger_journal_seq') AS journal_id FROM p WHERE p.payout > 0),
		 posted AS (
		     INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, market_id, memo)
		     SELECT j.journal_id, a.id, $6::"LedgerKind",
		            CASE WHEN a.user_id IS NULL THEN -j.payout ELSE j.payout END, $1, 'option ' || j.option_id
		       FROM journals j JOIN accounts a
		         ON (a.user_id = j.user_id AND a.kind = 'TRADER_CASH')
		         OR (a.option_id = j.option_id AND a.kind = 'EXCHANGE_COLLATERAL')
		     RETURNING 1),
		 traders AS (
		     UPDATE accounts a SET balance_cents = a.balance_cents + s.total
		       FROM (SELECT user_id, sum(payout) AS total FROM p GROUP BY user_id) s
		      WHERE a.user_id = s.user_id AND a.kind = 'TRADER_CASH' AND s.total > 0 RETURNING 1),
		 collateral AS (
		     UPDATE accounts a SET balance_cents = a.balance_cents - s.total
		       FROM (SELECT option_id, sum(payout) AS total FROM p GROUP BY option_id) s
		      WHERE a.option_id = s.option_id AND a.kind = 'EXCHANGE_COLLATERAL' RETURNING 1)
		 SELECT (SELECT sum(payout) FROM p)::text AS paid,
		        (SELECT count(*) FROM closed) + (SELECT count(*) FROM posted) + (SELECT count(*) FROM traders)
		        + (SELECT count(*) FROM collateral) AS writes`,
		[
			marketId,
			payouts.map((p) => p.user_id),
			payouts.map((p) => p.option_id),
			payouts.map((p) => p.cost_basis_cents),
			payouts.map((p) => p.payout_cents),
			kind
		]
	);
	return Number(rows[0]?.paid ?? 0);
}

async function openPositions(client: pg.ClientBase, marketId: string) {
	const { rows } = await client.query<Omit<Payout, 'payout_cents'>>(
		`SELECT p.user_id, p.option_id, p.quantity, p.cost_basis_cents::text
		   FROM positions p JOIN market_options o ON o.id = p.option_id
		  WHERE o.market_id = $1 AND p.quantity <> 0 ORDER BY p.option_id, p.user_id`,
		[marketId]
	);
	return rows;
}

interface Settled {
	settledPositions: number;
	paidCents: number;
	/** How it ended, for the audit entry. */
	outcome: Pick<MarketAuditState, 'resolution' | 'winningOptionId' | 'winningOptionLabel'>;
}

async function finish(
	pool: pg.Pool,
	marketId: string,
	by: MarketActor,
	action: 'RESOLVE' | 'VOID',
	settle: (client: pg.ClientBase) => Promise<Settled>
): Promise<LifecycleResult> {
	return inTransaction(pool, async (client) => {
		const market = await lockMarket(client, marketId);
		if (!market) return notFound(marketId);
		if (market.status === 'RESOLVED') {
			return { ok: false, code: 'INVALID_TRANSITION', message: 'The market is already resolved' };
		}
		const cancelledOrders = await cancelResting(client, marketId);
		const { outcome, ...settled } = await settle(client);
		await bumpBooks(client, marketId, 'market.resolved');
		await recordMarketChange(client, marketId, by, action, stateOf(market), {
			...stateOf({ ...market, status: 'RESOLVED' }),
			...outcome,
			cancelledOrders,
			...settled
		});
		return { ok: true, status: 'RESOLVED', cancelledOrders, ...settled };
	});
}

/** Names the winning option and settles: each long share of it and short share of every other pays 100¢. */
export function resolveMarket(
	pool: pg.Pool,
	marketId: string,
	winningOptionId: string,
	by: MarketActor = BY_THE_APP
): Promise<LifecycleResult> {
	return finish(pool, marketId, by, 'RESOLVE', async (client) => {
		const { rows: winners } = await client.query<{ label: string }>(
			`UPDATE markets m SET status = 'RESOLVED', resolution = 'OPTION', resolved_option_id = o.id,
			        resolved_at = now(), updated_at = now()
			   FROM market_options o
			  WHERE m.id = $1 AND o.id = $2 AND o.market_id = m.id
			 RETURNING o.label`,
			[marketId, winningOptionId]
		);
		const winner = winners[0];
		if (!winner) {
			throw new LifecycleRefusal(
				'UNKNOWN_OPTION',
				`Option ${winningOptionId} is not an option of this market`
			);
		}
		const payouts = (await openPositions(client, marketId)).map((position) => {
			const wins =
				position.option_id === winningOptionId ? position.quantity > 0 : position.quantity < 0;
			return { ...position, payout_cents: String(wins ? 100 * Math.abs(position.quantity) : 0) };
		});
		const paidCents = await settlePositions(client, marketId, payouts, 'SETTLEMENT');
		return {
			settledPositions: payouts.length,
			paidCents,
			outcome: {
				resolution: 'OPTION',
				winningOptionId,
				winningOptionLabel: winner.label
			}
		};
	}).catch(refusalToResult);
}

/**
 * Voids the market: every open position is refunded what it cost. An option's collateral is
 * 100¢ per open pair, but positions that changed hands at other prices can cost more or less
 * than that in total; refunds are then scaled to the collateral (largest remainders first),
 * so the exchange never pays out money it does not hold, and any collateral left goes to fees.
 */
export function voidMarket(
	pool: pg.Pool,
	marketId: string,
	by: MarketActor = BY_THE_APP
): Promise<LifecycleResult> {
	return finish(pool, marketId, by, 'VOID', async (client) => {
		await client.query(
			`UPDATE markets SET status = 'RESOLVED', resolution = 'VOID', resolved_option_id = NULL,
			        resolved_at = now(), updated_at = now() WHERE id = $1`,
			[marketId]
		);
		const positions = await openPositions(client, marketId);
		const payouts = refundsAtCost(positions);
		const paidCents = await settlePositions(client, marketId, payouts, 'REFUND');
		const leftover = new Map<string, number>();
		for (const p of positions) {
			if (p.quantity > 0)
				leftover.set(p.option_id, (leftover.get(p.option_id) ?? 0) + 100 * p.quantity);
		}
		for (const p of payouts)
			leftover.set(p.option_id, leftover.get(p.option_id)! - Number(p.payout_cents));
		for (const [optionId, cents] of leftover) {
			if (cents === 0) continue;
			await client.query(
				`WITH j AS (SELECT nextval('ledger_journal_seq') AS id),
				 posted AS (
				     INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, market_id, memo)
				     SELECT j.id, a.id, 'FEE', CASE a.kind WHEN 'EXCHANGE_FEES' THEN $3::bigint ELSE -$3::bigint END,
				            $1, 'void: collateral left after refunds at cost'
				       FROM j, accounts a
				      WHERE (a.kind = 'EXCHANGE_FEES' AND a.user_id IS NULL AND a.option_id IS NULL)
				         OR (a.kind = 'EXCHANGE_COLLATERAL' AND a.option_id = $2)
				     RETURNING account_id, amount_cents)
				 UPDATE accounts a SET balance_cents = a.balance_cents + posted.amount_cents
				   FROM posted WHERE a.id = posted.account_id`,
				[marketId, optionId, cents]
			);
		}
		return { settledPositions: payouts.length, paidCents, outcome: { resolution: 'VOID' } };
	}).catch(refusalToResult);
}

/** Refunds each position its cost, scaled per option so the total never exceeds that option's collateral. */
export function refundsAtCost(positions: Omit<Payout, 'payout_cents'>[]): Payout[] {
	const byOption = new Map<string, Omit<Payout, 'payout_cents'>[]>();
	for (const position of positions) {
		const list = byOption.get(position.option_id) ?? [];
		list.push(position);
		byOption.set(position.option_id, list);
	}
	const payouts: Payout[] = [];
	for (const list of byOption.values()) {
		const collateral = list.reduce((sum, p) => sum + (p.quantity > 0 ? 100 * p.quantity : 0), 0);
		const cost = list.reduce((sum, p) => sum + Number(p.cost_basis_cents), 0);
		if (cost <= collateral) {
			for (const p of list) payouts.push({ ...p, payout_cents: p.cost_basis_cents });
			continue;
		}
		// Largest-remainder apportionment: exact integer cents that add up to the collateral.
		const shares = list.map((p) => {
			const exact = (Number(p.cost_basis_cents) * collateral) / cost;
			return { p, floor: Math.floor(exact), remainder: exact - Math.floor(exact) };
		});
		let left = collateral - shares.reduce((sum, s) => sum + s.floor, 0);
		for (const share of [...shares].sort((a, b) => b.remainder - a.remainder)) {
			if (left === 0) break;
			share.floor++;
			left--;
		}
		for (const share of shares) payouts.push({ ...share.p, payout_cents: String(share.floor) });
	}
	return payouts;
}

class LifecycleRefusal extends Error {
	constructor(
		readonly code: 'UNKNOWN_OPTION',
		message: string
	) {
		super(message);
	}
}

function refusalToResult(error: unknown): LifecycleResult {
	if (error instanceof LifecycleRefusal)
		return { ok: false, code: error.code, message: error.message };
	throw error;
}
