// Puts one market on an engine for every user without a user flag of their own.
// The store checks the market exists and audits the change.
import { valueOf, type FlagsContext } from './flags-procedure';
import type { SetMarketInput } from './set-market.schema';

export async function setMarketFlag({ ctx, input }: { ctx: FlagsContext; input: SetMarketInput }) {
	return valueOf(await ctx.flags.store.setMarket(ctx.user.id, input));
}
