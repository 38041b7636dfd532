// The signed-in trader's order changes (status, fills) as their transactions commit. A client
// that reconnects with `lastEventId` first gets the updates it missed, from the outbox; when it
// missed more than MAX_ORDER_REPLAY, the outbox no longer holds all it missed, its id is past the
// newest event (another database's, or garbage), or its last item was a resync, it is told to
// resync (re-read its orders) instead. Both come after the live subscription exists, so nothing
// falls between.
import { tracked } from '@trpc/server';
import {
	readTopicEventsAfter,
	resumePointOf,
	streamTopic,
	type HubEvent
} from '$lib/server/events';
import type { FillView, OrderView } from '$lib/shared/orders';
import type { AuthedContext } from '../../context';
import type { OnMyUpdatesInput } from './on-my-updates.schema';

/** Most missed updates replayed on reconnect; beyond it the client re-reads its orders. */
export const MAX_ORDER_REPLAY = 1_000;

const RESYNC = 'resync';

export async function* onMyOrderUpdates({
	ctx,
	input,
	signal
}: {
	ctx: AuthedContext;
	input?: OnMyUpdatesInput;
	signal?: AbortSignal;
}) {
	const topic = `user:${ctx.user.id}`;
	const after = input?.lastEventId;
	const resync = (afterId: string): HubEvent[] => [
		{
			id: afterId,
			topic,
			kind: RESYNC,
			optionId: null,
			marketId: null,
			userId: ctx.user.id,
			bookSeq: null,
			payload: null,
			createdAt: new Date()
		}
	];
	const missedAfter = async (afterId: string) => {
		if (!/^\d+$/.test(afterId)) return resync(afterId);
		const missed = await readTopicEventsAfter(ctx.db.pool, [topic], afterId, MAX_ORDER_REPLAY + 1);
		if (missed.length > MAX_ORDER_REPLAY) return resync(afterId);
		// That is all it missed only when the outbox held every event after its id: none
		// pruned since, and the id one it handed out (else nothing is after it).
		const point = await resumePointOf(ctx.db.pool, afterId);
		return point === 'held' ? missed : resync(afterId);
	};
	const replay = after
		? async function* (from: string = after) {
				yield await missedAfter(from);
			}
		: undefined;
	for await (const item of streamTopic(ctx.events, topic, { signal, replay })) {
		if (item.type === 'overflow' || item.event.kind === RESYNC) {
			yield tracked(`overflow-${Date.now()}`, { type: 'resync' as const });
		} else if (item.event.kind === 'order') {
			const update = orderUpdateOf(item.event.payload);
			yield tracked(
				item.event.id,
				update ? { type: 'order' as const, ...update } : { type: 'resync' as const }
			);
		}
	}
}

/** An order as the outbox holds it: JSON, so its dates are text. */
type StoredOrder = Omit<OrderView, 'createdAt' | 'updatedAt' | 'expiresAt'> & {
	createdAt: string;
	updatedAt: string;
	expiresAt: string | null;
	fills?: FillView[];
};

/**
 * The order and the fills of its change (none on updates written before they were kept), with
 * its dates as dates again. Null for an update that holds only the order's id and status, as a
 * market's closing wrote them before it wrote the whole order: its reader resyncs.
 */
function orderUpdateOf(payload: unknown): { order: OrderView; fills: FillView[] } | null {
	const { fills = [], ...stored } = payload as StoredOrder;
	if (stored.quantity === undefined) return null;
	return {
		order: {
			...stored,
			createdAt: new Date(stored.createdAt),
			updatedAt: new Date(stored.updatedAt),
			expiresAt: stored.expiresAt === null ? null : new Date(stored.expiresAt)
		},
		fills
	};
}
