// One option's L2 ladder (bids best first, asks best first) at its seq, from the engine.
import type { Context } from '../../context';
import { bookTarget, callEngineOrThrow } from '../../served';
import type { GetInput } from './get.schema';

export async function getBook({ ctx, input }: { ctx: Context; input: GetInput }) {
	const target = await bookTarget(ctx, input.optionId);
	const { value: book, served } = await callEngineOrThrow(ctx, 'getOrderBook', (engines) =>
		engines.getOrderBook(target, input.optionId, input.depth)
	);
	return { ...book, ...served };
}
