// Cancels the trader's resting orders: one, a batch (each cancelled or refused on its own), or
// all of them (in one market or everywhere). Another user's order is UNKNOWN_ORDER (NOT_FOUND).
import type { AuthedContext } from '../../context';
import { callEngine, callEngineOrThrow, marketsOfOrders, orderTarget } from '../../served';
import type { CancelAllInput, CancelBatchInput, CancelInput } from './cancel.schema';

export async function cancelOrder({ ctx, input }: { ctx: AuthedContext; input: CancelInput }) {
	const target = await orderTarget(ctx, ctx.user.id, input.orderId);
	const { value: order, served } = await callEngineOrThrow(ctx, 'cancel', (engines) =>
		engines.cancel(target, input.orderId)
	);
	return { order, ...served };
}

export async function cancelOrderBatch({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: CancelBatchInput;
}) {
	const userId = ctx.user.id;
	const markets = await marketsOfOrders(ctx, userId, input.orderIds);
	// Each order goes to the engine of its own market; the batch is reported as the remote's only
	// if all of it was, and as a fallback if any of it fell back.
	const { value: results, served } = await callEngine(ctx, 'cancelBatch', async (engines) => {
		const routed = await Promise.all(
			input.orderIds.map((orderId) =>
				engines.cancel({ userId, marketId: markets.get(orderId) ?? null }, orderId)
			)
		);
		return {
			value: routed.map((each) => each.value),
			served: {
				engine: routed.every((each) => each.served.engine === 'remote') ? 'remote' : 'local',
				fallback: routed.some((each) => each.served.fallback),
				latencyMs: Math.max(...routed.map((each) => each.served.latencyMs))
			}
		};
	});
	return {
		...served,
		results: results.map((result, index) => {
			const orderId = input.orderIds[index]!;
			return result.ok
				? { orderId, ok: true as const, order: result.value }
				: { orderId, ok: false as const, code: result.code, message: result.message };
		})
	};
}

export async function cancelAllOrders({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: CancelAllInput;
}) {
	const { value: orders, served } = await callEngine(ctx, 'cancelAll', (engines) =>
		engines.cancelAll(ctx.user.id, { marketId: input.marketId })
	);
	return { orders, ...served };
}
