// Sets the share of users the remote engine serves where no user or market flag decides:
// 0 is off, 100 is everyone, between is a sticky share by user id.
import { valueOf, type FlagsContext } from './flags-procedure';
import type { SetGlobalInput } from './set-global.schema';

export async function setGlobalRollout({
	ctx,
	input
}: {
	ctx: FlagsContext;
	input: SetGlobalInput;
}) {
	return valueOf(await ctx.flags.store.setGlobal(ctx.user.id, input));
}
