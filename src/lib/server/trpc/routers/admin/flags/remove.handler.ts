// Removes a user's, a market's or the global flag, so the next rule down decides again; the
// store audits it (a flag that is not there is no change).
import { valueOf, type FlagsContext } from './flags-procedure';
import type { RemoveInput } from './remove.schema';

export async function removeFlag({ ctx, input }: { ctx: FlagsContext; input: RemoveInput }) {
	return valueOf(await ctx.flags.store.remove(ctx.user.id, input));
}
