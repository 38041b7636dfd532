// ADMIN moves a market's close time, in one transaction with its audit entry (engine lifecycle
// module). A CLOSED or RESOLVED market is past it for good: MARKET_NOT_OPEN.
import { setMarketCloseTime } from '$lib/engine/lifecycle';
import type { AuthedContext } from '../../context';
import { domainError } from '../../errors';
import { marketActorOf } from './actor';
import type { SetCloseTimeInput } from './set-close-time.schema';

export async function setCloseTime({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: SetCloseTimeInput;
}) {
	const result = await setMarketCloseTime(
		ctx.db.pool,
		input.marketId,
		input.closesAt,
		marketActorOf(ctx, input)
	);
	if (!result.ok) throw domainError(result.code, result.message);
	return { marketId: input.marketId, closesAt: result.closesAt, status: result.status };
}
