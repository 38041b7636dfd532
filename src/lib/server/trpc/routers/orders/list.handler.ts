// The trader's own orders, newest first, and one of them with its fills. Read from the
// database (the single source of truth), so they are the same whichever engine placed them.
import type { AuthedContext } from '../../context';
import { domainError } from '../../errors';
import type { GetInput, ListInput } from './list.schema';
import { orderViewSelect, toOrderView } from './order-view';

export async function listOrders({ ctx, input }: { ctx: AuthedContext; input: ListInput }) {
	// Newest first by time, not by id: two engines take ids from the sequence in blocks, so ids
	// from different engines interleave out of time order.
	const after = input.cursor
		? await ctx.prisma.order.findFirst({
				where: { id: BigInt(input.cursor), userId: ctx.user.id },
				select: { id: true, createdAt: true }
			})
		: null;
	if (input.cursor && !after)
		throw domainError('UNKNOWN_ORDER', `You have no order ${input.cursor}`);
	const rows = await ctx.prisma.order.findMany({
		where: {
			userId: ctx.user.id,
			status: input.status ? { in: input.status } : undefined,
			marketId: input.marketId,
			OR: after
				? [
						{ createdAt: { lt: after.createdAt } },
						{ createdAt: after.createdAt, id: { lt: after.id } }
					]
				: undefined
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		take: input.limit + 1,
		select: orderViewSelect
	});
	const page = rows.slice(0, input.limit);
	return {
		items: page.map(toOrderView),
		nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null
	};
}

export async function getOrder({ ctx, input }: { ctx: AuthedContext; input: GetInput }) {
	const id = BigInt(input.orderId);
	// Someone else's order is answered exactly like one that does not exist.
	const row = await ctx.prisma.order.findFirst({
		where: { id, userId: ctx.user.id },
		select: orderViewSelect
	});
	if (!row) throw domainError('UNKNOWN_ORDER', `You have no order ${input.orderId}`);
	const trades = await ctx.prisma.trade.findMany({
		where: { OR: [{ makerOrderId: id }, { takerOrderId: id }] },
		// By time: the two engines hand out trade ids in separate blocks, so ids alone can disagree.
		orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
		select: { id: true, priceCents: true, quantity: true, makerOrderId: true, createdAt: true }
	});
	return {
		order: toOrderView(row),
		fills: trades.map((trade) => ({
			tradeId: trade.id.toString(),
			orderId: input.orderId,
			priceCents: trade.priceCents,
			quantity: trade.quantity,
			liquidity: trade.makerOrderId === id ? ('MAKER' as const) : ('TAKER' as const),
			createdAt: trade.createdAt
		}))
	};
}
