// The trader's ledger rows (both cash accounts), newest first, paged by cursor.
import type { AuthedContext } from '../../context';
import type { LedgerInput } from './ledger.schema';

export async function myLedger({ ctx, input }: { ctx: AuthedContext; input: LedgerInput }) {
	const rows = await ctx.prisma.ledgerEntry.findMany({
		where: {
			account: { userId: ctx.user.id, kind: { in: ['TRADER_CASH', 'TRADER_RESERVED'] } },
			id: input.cursor ? { lt: BigInt(input.cursor) } : undefined
		},
		orderBy: { id: 'desc' },
		take: input.limit + 1,
		include: { account: { select: { kind: true } } }
	});
	const page = rows.slice(0, input.limit);
	return {
		items: page.map((row) => ({
			id: row.id.toString(),
			journalId: row.journalId.toString(),
			account: row.account.kind as 'TRADER_CASH' | 'TRADER_RESERVED',
			kind: row.kind,
			amountCents: Number(row.amountCents),
			orderId: row.orderId?.toString() ?? null,
			tradeId: row.tradeId?.toString() ?? null,
			marketId: row.marketId,
			memo: row.memo,
			createdAt: row.createdAt
		})),
		nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null
	};
}
