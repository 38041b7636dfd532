// Markets, newest first, filtered by status and a search over title and category, paged by cursor;
// each option with its last day (volume, and the price 24 h ago) from one query for the page.
import type { Context } from '../../context';
import { domainError } from '../../errors';
import type { ListInput } from './list.schema';
import { marketSummarySelect, toMarketSummary } from './summary';

export async function listMarkets({ ctx, input }: { ctx: Context; input: ListInput }) {
	const search = input.search ? literally(input.search) : undefined;
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
	// A cursor that is no market gives no rows, which would read as the end of the list; a
	// market proves the cursor is one, so only an empty page asks.
	if (input.cursor && rows.length === 0 && !(await marketExists(ctx, input.cursor)))
		throw domainError('MARKET_NOT_FOUND', `No market ${input.cursor} to list after`);
	const page = rows.slice(0, input.limit).map(toMarketSummary);
	const days = await lastDayOf(
		ctx,
		page.flatMap((market) => market.options.map((option) => option.id))
	);
	return {
		items: page.map((market) => ({
			...market,
			options: market.options.map((option) => ({
				...option,
				dayAgoPriceCents: days.get(option.id)?.day_ago_price_cents ?? null,
				volume24h: days.get(option.id)?.volume_24h ?? 0
			}))
		})),
		nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null
	};
}

/**
 * The search text with LIKE's wildcards (`%`, `_`) and its escape character (`\`) escaped, so
 * that each matches itself: `contains` puts the text into a LIKE pattern as it is.
 */
function literally(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

async function marketExists(ctx: Context, id: string): Promise<boolean> {
	return (await ctx.prisma.market.findUnique({ where: { id }, select: { id: true } })) !== null;
}

interface OptionDay {
	option_id: string;
	volume_24h: number;
	day_ago_price_cents: number | null;
}

async function lastDayOf(ctx: Context, optionIds: string[]): Promise<Map<string, OptionDay>> {
	if (optionIds.length === 0) return new Map();
	const { rows } = await ctx.db.pool.query<OptionDay>(
		`SELECT o.id::text AS option_id,
		        (SELECT coalesce(sum(t.quantity), 0)::int FROM trades t
		          WHERE t.option_id = o.id AND t.created_at > now() - interval '24 hours') AS volume_24h,
		        coalesce(
		          (SELECT t.price_cents FROM trades t
		            WHERE t.option_id = o.id AND t.created_at <= now() - interval '24 hours'
		            ORDER BY t.created_at DESC LIMIT 1),
		          (SELECT t.price_cents FROM trades t
		            WHERE t.option_id = o.id AND t.created_at > now() - interval '24 hours'
		            ORDER BY t.created_at LIMIT 1)) AS day_ago_price_cents
		   FROM unnest($1::uuid[]) AS o(id)`,
		[optionIds]
	);
	return new Map(rows.map((row) => [row.option_id, row]));
}
