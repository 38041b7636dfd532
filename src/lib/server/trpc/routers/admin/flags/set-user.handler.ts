// Pins one user to an engine in every market; it outranks market flags and the rollout.
// The store checks the user exists and audits the change.
import { valueOf, type FlagsContext } from './flags-procedure';
import type { SetUserInput } from './set-user.schema';

export async function setUserFlag({ ctx, input }: { ctx: FlagsContext; input: SetUserInput }) {
	return valueOf(await ctx.flags.store.setUser(ctx.user.id, input));
}
