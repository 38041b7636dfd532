// Places orders for the signed-in trader (never for a user named in the input). An order the
// engine refuses to match (FOK not fillable, post-only crossing, no funds, market not open)
// still exists: it comes back with status REJECTED and its reason, not as an error.
import type { AuthedContext } from '../../context';
import { callEngine, callEngineOrThrow, limitOrderEntry } from '../../served';
import type { PlaceBatchInput, PlaceInput } from './place.schema';

export async function placeOrder({ ctx, input }: { ctx: AuthedContext; input: PlaceInput }) {
	await limitOrderEntry(ctx, ctx.user.id);
	const { value, served } = await callEngineOrThrow(ctx, 'place', (engines) =>
		engines.place(ctx.user.id, input)
	);
	return { ...value, ...served };
}

export async function placeOrderBatch({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: PlaceBatchInput;
}) {
	await limitOrderEntry(ctx, ctx.user.id, input.orders.length);
	// Sent together so that orders for one book share the engine's next transaction (and one
	// request to the remote engine); each book's writer keeps them in the order given.
	const { value: results, served } = await callEngine(ctx, 'placeBatch', (engines) =>
		engines.placeBatch(ctx.user.id, input.orders)
	);
	return {
		...served,
		results: results.map((result) =>
			result.ok
				? { ok: true as const, ...result.value }
				: { ok: false as const, code: result.code, message: result.message }
		)
	};
}
