// The trader's ledger rows (both cash accounts), newest first, paged by journal: the rows of one
// journal are one movement of the trader's cash (a fill's release and its cost, say), so a page
// holds each of its journals whole. A journal's rows share their transaction's time, and journals
// are ordered by that time, then by journal id. Both steps go by the index on (account,
// created_at, journal): the page's journals, newest first from each account, then their rows.
// A deposit or withdrawal an admin made carries their reason, from the account audit.
import type { AuthedContext } from '../../context';
import { cursorOf, type LedgerInput, parseCursor } from './ledger.schema';

interface Row {
	id: string;
	journal_id: string;
	account: CashAccount;
	kind: LedgerKind;
	amount_cents: string;
	order_id: string | null;
	trade_id: string | null;
	market_id: string | null;
	memo: string | null;
	created_at: Date;
}

type CashAccount = 'TRADER_CASH' | 'TRADER_RESERVED';
type LedgerKind =
	'DEPOSIT' | 'WITHDRAWAL' | 'TRADE' | 'RESERVE' | 'RELEASE' | 'SETTLEMENT' | 'REFUND' | 'FEE';

/** Before any journal there is: the newest page's cursor. */
const NEWEST = { createdAt: 'infinity', journalId: '9223372036854775807' };

// One more journal than the page holds, to know whether there is an older page.
const PAGE_SQL = `
WITH mine AS (
	SELECT id, kind FROM accounts WHERE user_id = $1 AND kind IN ('TRADER_CASH', 'TRADER_RESERVED')
),
journals AS (
	SELECT k.created_at, k.journal_id
	  FROM mine CROSS JOIN LATERAL (
	       SELECT DISTINCT l.created_at, l.journal_id FROM ledger_entries l
	        WHERE l.account_id = mine.id AND (l.created_at, l.journal_id) < ($2::timestamptz, $3::bigint)
	        ORDER BY l.created_at DESC, l.journal_id DESC
	        LIMIT $4) k
	 GROUP BY 1, 2
	 ORDER BY 1 DESC, 2 DESC
	 LIMIT $4
)
SELECT l.id::text, l.journal_id::text, mine.kind AS account, l.kind, l.amount_cents::text,
       l.order_id::text, l.trade_id::text, l.market_id, l.memo, l.created_at
  FROM journals
  JOIN mine ON true
  JOIN ledger_entries l ON l.account_id = mine.id AND l.created_at = journals.created_at
                       AND l.journal_id = journals.journal_id
 ORDER BY l.created_at DESC, l.journal_id DESC, l.id DESC`;

export async function myLedger({ ctx, input }: { ctx: AuthedContext; input: LedgerInput }) {
	const after: { createdAt: Date | string; journalId: string } = input.cursor
		? parseCursor(input.cursor)
		: NEWEST;
	const { rows } = await ctx.db.pool.query<Row>(PAGE_SQL, [
		ctx.user.id,
		after.createdAt,
		after.journalId,
		input.limit + 1
	]);
	// Rows come journal by journal: the page ends before the journal one past its limit.
	const journals: string[] = [];
	let end = rows.length;
	for (const [index, row] of rows.entries()) {
		if (row.journal_id === journals.at(-1)) continue;
		if (journals.length === input.limit) {
			end = index;
			break;
		}
		journals.push(row.journal_id);
	}
	const page = rows.slice(0, end);
	const oldest = page.at(-1);
	const staffReasons = await staffReasonsOf(ctx, page);
	return {
		items: page.map((row) => ({
			id: row.id,
			journalId: row.journal_id,
			account: row.account,
			kind: row.kind,
			amountCents: Number(row.amount_cents),
			orderId: row.order_id,
			tradeId: row.trade_id,
			marketId: row.market_id,
			memo: row.memo,
			staffReason: staffReasons.get(row.journal_id) ?? null,
			createdAt: row.created_at
		})),
		nextCursor: end < rows.length && oldest ? cursorOf(oldest.created_at, oldest.journal_id) : null
	};
}

/**
 * Why staff credited or debited the journals of these rows that are staff adjustments, by journal
 * id. Only deposits and withdrawals can be, and a page seldom has any: most pages ask nothing.
 */
async function staffReasonsOf(ctx: AuthedContext, rows: Row[]): Promise<Map<string, string>> {
	const journals = [
		...new Set(
			rows
				.filter((row) => row.kind === 'DEPOSIT' || row.kind === 'WITHDRAWAL')
				.map((row) => row.journal_id)
		)
	];
	if (journals.length === 0) return new Map();
	const { rows: adjustments } = await ctx.db.pool.query<{ journal_id: string; reason: string }>(
		`SELECT detail->>'journalId' AS journal_id, detail->>'reason' AS reason FROM account_audit
		  WHERE user_id = $1 AND action = 'CASH_ADJUSTED' AND detail->>'journalId' = ANY($2::text[])`,
		[ctx.user.id, journals]
	);
	return new Map(adjustments.map((row) => [row.journal_id, row.reason]));
}
