// The signed-in trader's order changes (status, fills) as their transactions commit. A client
// that reconnects with `lastEventId` first gets the updates it missed, from the outbox; when it
// missed more than MAX_ORDER_REPLAY, the outbox no longer holds all it missed, its cursor was not
// handed out here (another database's, or garbage), or its last item was a resync, it is told to
// resync (re-read its orders) instead. Both come after the live subscription exists, so nothing
// falls between.
import { tracked } from '@trpc/server';
import { replayAfter, streamTopic, type HubEvent } from '$lib/server/events';
import type { FillView, OrderView } from '$lib/shared/orders';
import type { AuthedContext } from '../../context';
import type { OnMyUpdatesInput } from './on-my-updates.schema';

/** Most missed updates replayed on reconnect; beyond it the client re-reads its orders. */
export const MAX_ORDER_REPLAY = 1_000;

const RESYNC = 'resync';

/** What replayAfter refuses: the client resyncs instead. */
class Unreplayable extends Error {}

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
			createdAt: new Date(),
			xid: '0',
			cursor: afterId
		}
	];
	const missedAfter = async (from: string): Promise<HubEvent[]> => {
		const pages = replayAfter(ctx.db.pool, [topic], from, () => new Unreplayable())!;
		const missed: HubEvent[] = [];
		try {
			for await (const page of pages()) {
				missed.push(...page);
				if (missed.length > MAX_ORDER_REPLAY) return resync(from);
			}
		} catch (error) {
			if (error instanceof Unreplayable) return resync(from);
			throw error;
		}
		return missed;
	};
	const replay = after
		? async function* (from: string = after) {
				yield await missedAfter(from);
			}
		: undefined;
	for await (const item of streamTopic(ctx.events, topic, {
		signal,
		replay,
		lastEventId: after
	})) {
		if (item.type === 'overflow' || item.event.kind === RESYNC) {
			yield tracked(`overflow-${Date.now()}`, { type: 'resync' as const });
		} else if (item.event.kind === 'order') {
			const update = orderUpdateOf(item.event.payload);
			yield tracked(
				item.event.cursor,
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
