// An option's most recent trades, newest first.
import type { Context } from '../../context';
import { requireOption } from './option';
import type { TradesInput } from './trades.schema';

export async function recentTrades({ ctx, input }: { ctx: Context; input: TradesInput }) {
	const trades = await ctx.prisma.trade.findMany({
		where: { optionId: input.optionId },
		// Newest first by time, not by id: the two engines take trade ids from the sequence in
		// blocks, so a later trade can have a smaller id. The id only breaks ties.
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		take: input.limit,
		select: { id: true, priceCents: true, quantity: true, takerSide: true, createdAt: true }
	});
	// No trades may mean no such option; a trade proves it exists, so only then ask.
	if (trades.length === 0) await requireOption(ctx, input.optionId);
	return trades.map((trade) => ({ ...trade, id: trade.id.toString() }));
}
