// The market audit for support staff, newest first by id, a page at a time. Read only: nothing
// in the API changes it (and the database refuses UPDATE and DELETE on it).
import type { Context } from '../../../context';
import { domainError } from '../../../errors';
import type { MarketAuditInput, MarketAuditPage } from './audit.schema';

export async function listMarketAudit({
	ctx,
	input
}: {
	ctx: Context;
	input: MarketAuditInput;
}): Promise<MarketAuditPage> {
	const { marketId, cursor, limit } = input;
	const rows = await ctx.prisma.marketAudit.findMany({
		where: { marketId, ...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }) },
		orderBy: { id: 'desc' },
		take: limit + 1,
		select: {
			id: true,
			marketId: true,
			action: true,
			reason: true,
			before: true,
			after: true,
			createdAt: true,
			market: { select: { title: true } },
			actor: { select: { id: true, displayName: true } }
		}
	});
	// An unknown market has no entries, which would read as a market nothing happened to.
	if (marketId !== undefined && rows.length === 0 && !(await marketExists(ctx, marketId)))
		throw domainError('MARKET_NOT_FOUND', `No market ${marketId}`);
	const page = rows.slice(0, limit);
	return {
		entries: page.map((row) => ({
			id: row.id.toString(),
			marketId: row.marketId,
			marketTitle: row.market.title,
			action: row.action,
			actor: row.actor,
			reason: row.reason,
			before: row.before,
			after: row.after,
			createdAt: row.createdAt
		})),
		nextCursor: rows.length > limit ? page.at(-1)!.id.toString() : null
	};
}

async function marketExists(ctx: Context, id: string): Promise<boolean> {
	return (await ctx.prisma.market.findUnique({ where: { id }, select: { id: true } })) !== null;
}
