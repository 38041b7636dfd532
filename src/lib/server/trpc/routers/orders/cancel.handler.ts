// Cancels the trader's resting orders: one, a batch (each cancelled or refused on its own), or
// all of them (in one market or everywhere). Another user's order is UNKNOWN_ORDER (NOT_FOUND).
import type { AuthedContext } from '../../context';
import { callEngine, callEngineOrThrow } from '../../served';
import type { CancelAllInput, CancelBatchInput, CancelInput } from './cancel.schema';

export async function cancelOrder({ ctx, input }: { ctx: AuthedContext; input: CancelInput }) {
	const { value: order, served } = await callEngineOrThrow(ctx, 'cancel', (engine) =>
		engine.cancel(ctx.user.id, input.orderId)
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
	const { value: results, served } = await callEngine(ctx, 'cancelBatch', (engine) =>
		Promise.all(input.orderIds.map((orderId) => engine.cancel(ctx.user.id, orderId)))
	);
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
	const { value: orders, served } = await callEngine(ctx, 'cancelAll', (engine) =>
		engine.cancelAll(ctx.user.id, { marketId: input.marketId })
	);
	return { orders, ...served };
}
