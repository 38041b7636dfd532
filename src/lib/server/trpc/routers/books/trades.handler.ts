// An option's most recent trades, newest first.
import type { Context } from '../../context';
import type { TradesInput } from './trades.schema';

export async function recentTrades({ ctx, input }: { ctx: Context; input: TradesInput }) {
	const trades = await ctx.prisma.trade.findMany({
		where: { optionId: input.optionId },
		orderBy: { id: 'desc' },
		take: input.limit,
		select: { id: true, priceCents: true, quantity: true, takerSide: true, createdAt: true }
	});
	return trades.map((trade) => ({ ...trade, id: trade.id.toString() }));
}
