// The trader's ledger rows (both cash accounts), newest first, paged by journal: the rows of one
// journal are one movement of the trader's cash (a fill's release and its cost, say), so a page
// holds each of its journals whole. A journal stands where its newest row of the trader's does.
import type { AuthedContext } from '../../context';
import type { LedgerInput } from './ledger.schema';

export async function myLedger({ ctx, input }: { ctx: AuthedContext; input: LedgerInput }) {
	const mine = { account: { userId: ctx.user.id, kind: { in: CASH_ACCOUNTS } } };
	const journals = await ctx.prisma.ledgerEntry.groupBy({
		by: ['journalId'],
		where: mine,
		_max: { id: true },
		_min: { id: true },
		having: input.cursor ? { id: { _max: { lt: BigInt(input.cursor) } } } : undefined,
		orderBy: { _max: { id: 'desc' } },
		take: input.limit + 1
	});
	const page = journals.slice(0, input.limit);
	const newest = page[0]?._max.id;
	if (newest == null) return { items: [], nextCursor: null };
	// Every row of the page's journals lies between their lowest and highest ids.
	const oldest = page.reduce((low, journal) => minId(low, journal._min.id), newest);
	const rows = await ctx.prisma.ledgerEntry.findMany({
		where: {
			...mine,
			journalId: { in: page.map((journal) => journal.journalId) },
			id: { gte: oldest, lte: newest }
		},
		orderBy: { id: 'desc' },
		include: { account: { select: { kind: true } } }
	});
	return {
		items: rows.map((row) => ({
			id: row.id.toString(),
			journalId: row.journalId.toString(),
			account: row.account.kind as CashAccount,
			kind: row.kind,
			amountCents: Number(row.amountCents),
			orderId: row.orderId?.toString() ?? null,
			tradeId: row.tradeId?.toString() ?? null,
			marketId: row.marketId,
			memo: row.memo,
			createdAt: row.createdAt
		})),
		nextCursor: journals.length > input.limit ? (page.at(-1)?._max.id?.toString() ?? null) : null
	};
}

type CashAccount = 'TRADER_CASH' | 'TRADER_RESERVED';
const CASH_ACCOUNTS: CashAccount[] = ['TRADER_CASH', 'TRADER_RESERVED'];

const minId = (a: bigint, b: bigint | null) => (b !== null && b < a ? b : a);
