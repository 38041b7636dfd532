// Removes a user's or a market's flag, so the next rule down decides for them again; the
// store audits it (a flag that is not there is no change).
import { valueOf, type FlagsContext } from './flags-procedure';
import type { RemoveInput } from './remove.schema';

export async function removeFlag({ ctx, input }: { ctx: FlagsContext; input: RemoveInput }) {
	return valueOf(await ctx.flags.store.remove(ctx.user.id, input));
}
