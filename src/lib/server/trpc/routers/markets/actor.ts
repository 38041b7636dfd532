// The admin behind a change to a market, and their reason, as the market's audit records them.
import type { MarketActor } from '$lib/engine/lifecycle';
import type { AuthedContext } from '../../context';

export function marketActorOf(ctx: AuthedContext, input: { reason?: string }): MarketActor {
	return { actorId: ctx.user.id, reason: input.reason ?? null };
}
