// Every flag, fresh from the database rather than this process's cache, so support staff see
// what is stored; with its target's label and the default engine.
import type { FlagsContext } from './flags-procedure';
import type { ListInput } from './list.schema';

export async function listFlags({ ctx, input }: { ctx: FlagsContext; input: ListInput }) {
	const flags = await ctx.flags.store.list();
	return {
		defaultEngine: ctx.flags.defaultEngine,
		flags: input.scope ? flags.filter((flag) => flag.scope === input.scope) : flags
	};
}
