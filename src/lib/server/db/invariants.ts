// The exchange's invariants, checked with SQL on a live database (`npm run db:check`) and by
// tests after every operation sequence. Each check selects the rows that break it.
import type pg from 'pg';

export interface InvariantResult {
	name: string;
	ok: boolean;
	/** Up to five offending rows, as text, when it fails. */
	examples: string[];
}

const RESTING = `status IN ('OPEN', 'PARTIALLY_FILLED')`;

export const invariants: { name: string; sql: string }[] = [
	{
		// The tables each order writes have no foreign keys (see the hot_path_foreign_keys migration).
		name: 'every order, trade, position and ledger row refers to rows that exist',
		sql: `SELECT 'order' AS row, id::text FROM orders o
		       WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)
		          OR NOT EXISTS (SELECT 1 FROM market_options m WHERE m.id = o.option_id AND m.market_id = o.market_id)
		      UNION ALL
		      SELECT 'trade', id::text FROM trades t
		       WHERE NOT EXISTS (SELECT 1 FROM market_options m WHERE m.id = t.option_id AND m.market_id = t.market_id)
		      UNION ALL
		      SELECT 'position', p.user_id || '/' || p.option_id FROM positions p
		       WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id)
		          OR NOT EXISTS (SELECT 1 FROM market_options m WHERE m.id = p.option_id)
		      UNION ALL
		      SELECT 'ledger row', id::text FROM ledger_entries l
		       WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = l.account_id)`
	},
	{
		name: 'the ledger sums to zero (no cash created or lost)',
		sql: `SELECT sum(amount_cents) AS total FROM ledger_entries HAVING sum(amount_cents) <> 0`
	},
	{
		name: 'every ledger journal balances',
		sql: `SELECT journal_id, sum(amount_cents) AS total FROM ledger_entries
		       GROUP BY journal_id HAVING sum(amount_cents) <> 0`
	},
	{
		name: 'every account balance equals the sum of its ledger rows',
		sql: `SELECT a.id, a.kind, a.balance_cents, coalesce(l.total, 0) AS ledger
		        FROM accounts a LEFT JOIN (SELECT account_id, sum(amount_cents) AS total FROM ledger_entries
		                                    GROUP BY account_id) l ON l.account_id = a.id
		       WHERE a.balance_cents <> coalesce(l.total, 0)`
	},
	{
		name: "no trader's available or reserved cash is negative",
		sql: `SELECT id, user_id, kind, balance_cents FROM accounts
		       WHERE kind IN ('TRADER_CASH', 'TRADER_RESERVED') AND balance_cents < 0`
	},
	{
		// A statement read in ledger order must never show a negative balance on the way.
		name: "a trader's cash, read row by row in ledger order, never goes negative",
		sql: `SELECT account_id, id, running FROM (
		        SELECT l.account_id, l.id,
		               sum(l.amount_cents) OVER (PARTITION BY l.account_id ORDER BY l.id) AS running
		          FROM ledger_entries l JOIN accounts a ON a.id = l.account_id
		         WHERE a.kind IN ('TRADER_CASH', 'TRADER_RESERVED')) r
		       WHERE running < 0`
	},
	{
		name: "each trader's reserved cash equals what their resting orders hold",
		sql: `SELECT a.user_id, a.balance_cents, coalesce(o.held, 0) AS held
		        FROM accounts a LEFT JOIN (SELECT user_id, sum(reserved_cents) AS held FROM orders
		                                    WHERE ${RESTING} GROUP BY user_id) o ON o.user_id = a.user_id
		       WHERE a.kind = 'TRADER_RESERVED' AND a.balance_cents <> coalesce(o.held, 0)`
	},
	{
		name: 'every resting order holds exactly what its open quantity needs',
		sql: `SELECT id, side, price_cents, quantity - filled_quantity AS open, covered_quantity, reserved_cents
		        FROM orders
		       WHERE ${RESTING} AND reserved_cents <> CASE side
		             WHEN 'BUY' THEN price_cents * (quantity - filled_quantity)
		             ELSE (100 - price_cents) * (quantity - filled_quantity - covered_quantity) END
		       UNION ALL
		      SELECT id, side, price_cents, quantity - filled_quantity, covered_quantity, reserved_cents
		        FROM orders WHERE NOT ${RESTING} AND (reserved_cents <> 0 OR covered_quantity <> 0)`
	},
	{
		name: 'for every option the long and short shares sum to zero',
		sql: `SELECT option_id, sum(quantity) AS net FROM positions GROUP BY option_id HAVING sum(quantity) <> 0`
	},
	{
		name: "each option's collateral account holds exactly 100¢ per open long share",
		sql: `SELECT o.id AS option_id, coalesce(a.balance_cents, 0) AS collateral, 100 * coalesce(p.longs, 0) AS expected
		        FROM market_options o
		        LEFT JOIN accounts a ON a.option_id = o.id AND a.kind = 'EXCHANGE_COLLATERAL'
		        LEFT JOIN (SELECT option_id, sum(quantity) AS longs FROM positions WHERE quantity > 0
		                    GROUP BY option_id) p ON p.option_id = o.id
		       WHERE coalesce(a.balance_cents, 0) <> 100 * coalesce(p.longs, 0) OR a.id IS NULL`
	},
	{
		name: 'locked shares equal the covered shares of resting sells, and are held',
		sql: `SELECT p.user_id, p.option_id, p.quantity, p.locked_quantity, coalesce(o.covered, 0) AS covered
		        FROM positions p LEFT JOIN (SELECT user_id, option_id, sum(covered_quantity) AS covered FROM orders
		                                     WHERE ${RESTING} AND side = 'SELL' GROUP BY user_id, option_id) o
		          ON o.user_id = p.user_id AND o.option_id = p.option_id
		       WHERE p.locked_quantity <> coalesce(o.covered, 0) OR p.locked_quantity > greatest(p.quantity, 0)`
	},
	{
		name: "every order's filled quantity equals the sum of its fills",
		sql: `SELECT o.id, o.filled_quantity, coalesce(t.filled, 0) AS traded
		        FROM orders o LEFT JOIN (SELECT id, sum(quantity) AS filled FROM (
		                 SELECT maker_order_id AS id, quantity FROM trades
		                 UNION ALL SELECT taker_order_id, quantity FROM trades) f GROUP BY id) t ON t.id = o.id
		       WHERE o.filled_quantity <> coalesce(t.filled, 0)`
	},
	{
		name: 'every fill pairs a buy and a sell of the same option by the right users',
		sql: `SELECT t.id FROM trades t
		        JOIN orders m ON m.id = t.maker_order_id JOIN orders k ON k.id = t.taker_order_id
		       WHERE m.option_id <> t.option_id OR k.option_id <> t.option_id OR m.side = k.side
		          OR k.side <> t.taker_side
		          OR (CASE WHEN k.side = 'BUY' THEN k.user_id ELSE m.user_id END) <> t.buyer_id
		          OR (CASE WHEN k.side = 'SELL' THEN k.user_id ELSE m.user_id END) <> t.seller_id`
	},
	{
		name: 'no book is crossed (best bid below best ask)',
		sql: `SELECT option_id, max(price_cents) FILTER (WHERE side = 'BUY') AS bid,
		             min(price_cents) FILTER (WHERE side = 'SELL') AS ask
		        FROM orders WHERE ${RESTING} GROUP BY option_id
		      HAVING max(price_cents) FILTER (WHERE side = 'BUY') >= min(price_cents) FILTER (WHERE side = 'SELL')`
	},
	{
		name: 'resting orders have a unique queue position in their book',
		sql: `SELECT option_id, priority, count(*) FROM orders WHERE ${RESTING}
		       GROUP BY option_id, priority HAVING count(*) > 1`
	}
];

export async function checkInvariants(db: pg.Pool | pg.ClientBase): Promise<InvariantResult[]> {
	const results: InvariantResult[] = [];
	for (const invariant of invariants) {
		const { rows } = await db.query(`${invariant.sql} LIMIT 5`);
		results.push({
			name: invariant.name,
			ok: rows.length === 0,
			examples: rows.map((row) => JSON.stringify(row))
		});
	}
	return results;
}

/** Throws with every failed invariant named, for tests. */
export async function assertInvariants(db: pg.Pool | pg.ClientBase): Promise<void> {
	const failed = (await checkInvariants(db)).filter((result) => !result.ok);
	if (failed.length > 0) {
		throw new Error(
			`Invariants broken:\n${failed.map((f) => `- ${f.name}: ${f.examples.join(' | ')}`).join('\n')}`
		);
	}
}
