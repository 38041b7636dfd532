// The error for a trades or prices subscription whose `lastEventId` the outbox cannot resume
// exactly (see replayAfter): it names what to read again instead.
import { TRPCError } from '@trpc/server';
import type { UnreplayablePoint } from '$lib/server/events';

/** replayAfter's `refuse`, telling the client to read `reread`: "the trades again (books.trades)". */
export function refuseResume(reread: string) {
	return (lastEventId: string, point: UnreplayablePoint): TRPCError => {
		const why =
			point === 'pruned'
				? 'is older than the trades still kept for resuming'
				: 'is past the newest event';
		return new TRPCError({
			code: 'BAD_REQUEST',
			message: `lastEventId ${lastEventId} ${why}: read ${reread} and subscribe without it`
		});
	};
}
