// ADMIN moves a market through its life: halt, reopen, close, resolve (naming the winner) and
// void. Each is one transaction in the engine's lifecycle module, which writes the market's
// audit entry (the admin and their reason) in it; refusals map to domain errors.
import {
	closeMarket,
	haltMarket,
	reopenMarket,
	resolveMarket,
	voidMarket,
	type LifecycleResult
} from '$lib/engine/lifecycle';
import type { AuthedContext } from '../../context';
import { domainError } from '../../errors';
import { marketActorOf } from './actor';
import type { MarketIdInput, ResolveInput } from './lifecycle.schema';

function answer(marketId: string, result: LifecycleResult) {
	if (!result.ok) throw domainError(result.code, result.message);
	const { ok: _ok, ...outcome } = result;
	return { marketId, ...outcome };
}

const transition =
	(change: typeof haltMarket) =>
	async ({ ctx, input }: { ctx: AuthedContext; input: MarketIdInput }) =>
		answer(input.marketId, await change(ctx.db.pool, input.marketId, marketActorOf(ctx, input)));

export const halt = transition(haltMarket);
export const reopen = transition(reopenMarket);
export const close = transition(closeMarket);
export const voidIt = transition(voidMarket);

export async function resolve({ ctx, input }: { ctx: AuthedContext; input: ResolveInput }) {
	return answer(
		input.marketId,
		await resolveMarket(
			ctx.db.pool,
			input.marketId,
			input.winningOptionId,
			marketActorOf(ctx, input)
		)
	);
}
