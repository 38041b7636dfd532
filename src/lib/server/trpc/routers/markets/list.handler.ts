// Markets, newest first, filtered by status and a search over title and category, paged by cursor.
import type { Context } from '../../context';
import type { ListInput } from './list.schema';
import { marketSummarySelect, toMarketSummary } from './summary';

export async function listMarkets({ ctx, input }: { ctx: Context; input: ListInput }) {
	const search = input.search || undefined;
	const rows = await ctx.prisma.market.findMany({
		where: {
			status: input.status ? { in: input.status } : undefined,
			OR: search
				? [
						{ title: { contains: search, mode: 'insensitive' } },
						{ category: { contains: search, mode: 'insensitive' } }
					]
				: undefined
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		cursor: input.cursor ? { id: input.cursor } : undefined,
		skip: input.cursor ? 1 : 0,
		take: input.limit + 1,
		select: marketSummarySelect
	});
	const page = rows.slice(0, input.limit);
	return {
		items: page.map(toMarketSummary),
		nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null
	};
}
