// The trader's own orders, newest first, and one of them with its fills. Read from the
// database (the single source of truth), so they are the same whichever engine placed them.
import type { AuthedContext } from '../../context';
import { domainError } from '../../errors';
import type { GetInput, ListInput } from './list.schema';
import { readOrderPage } from './order-page';
import { orderViewSelect, toOrderView } from './order-view';

export async function listOrders({ ctx, input }: { ctx: AuthedContext; input: ListInput }) {
	const page = await readOrderPage(ctx.prisma, {
		userId: ctx.user.id,
		cursor: input.cursor,
		limit: input.limit,
		filter: { status: input.status ? { in: input.status } : undefined, marketId: input.marketId },
		select: orderViewSelect,
		unknownCursor: (cursor) => domainError('UNKNOWN_ORDER', `You have no order ${cursor}`)
	});
	return { items: page.rows.map(toOrderView), nextCursor: page.nextCursor };
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
