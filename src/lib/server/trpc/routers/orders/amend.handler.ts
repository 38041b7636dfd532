// Changes one of the trader's resting orders: a smaller quantity keeps its place in the queue,
// a new price takes a new one (and may trade at once).
import type { AuthedContext } from '../../context';
import { callEngineOrThrow, limitOrderEntry, orderTarget } from '../../served';
import type { AmendInput } from './amend.schema';

export async function amendOrder({ ctx, input }: { ctx: AuthedContext; input: AmendInput }) {
	await limitOrderEntry(ctx, ctx.user.id);
	const target = await orderTarget(ctx, ctx.user.id, input.orderId);
	const { value, served } = await callEngineOrThrow(ctx, 'amend', (engines) =>
		engines.amend(target, input)
	);
	return { ...value, ...served };
}
