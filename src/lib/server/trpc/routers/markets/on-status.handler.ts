// A market's status as it changes (halted, reopened, closed, resolved, voided), and its close
// time when an admin moves it, for pages open on it. The current status comes first, read once the subscription listens, so no change falls
// between the page's load and the stream; a reconnecting client gets the status as it is then.
import { z } from 'zod';
import { MARKET_STATUS_EVENT, marketStatusJson } from '$lib/engine/lifecycle';
import type { HubEvent } from '$lib/server/events';
import { cursorText } from '$lib/server/events/cursor';
import { fanOutTracked, type FanoutCall } from '$lib/server/ws/fanout';
import type { MarketStatus } from '$lib/shared/markets';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import { lastEventIdInput } from '../last-event-id';

export const onStatusInput = z.strictObject({
	marketId: z.uuid(),
	/** Sent by tRPC's client on reconnect; the current status is sent whatever it is. */
	lastEventId: lastEventIdInput
});

export interface MarketStatusUpdate {
	marketId: string;
	status: MarketStatus;
	resolution: 'OPTION' | 'VOID' | null;
	resolvedOptionId: string | null;
	closesAt: Date;
}

/** The update as the event's JSON has it: the close time as a string. */
type MarketStatusJson = Omit<MarketStatusUpdate, 'closesAt'> & { closesAt: string };

function statusOf(event: HubEvent): MarketStatusUpdate | undefined {
	if (event.kind !== MARKET_STATUS_EVENT) return undefined;
	const state = event.payload as MarketStatusJson;
	return { ...state, closesAt: new Date(state.closesAt) };
}

export function onStatus({
	ctx,
	input,
	...call
}: FanoutCall & { ctx: Context; input: z.infer<typeof onStatusInput> }) {
	const topic = `market:${input.marketId}`;
	const current = async (): Promise<HubEvent[]> => {
		const { rows } = await ctx.db.pool.query<{
			event_id: string;
			snapshot: string;
			state: MarketStatusJson;
		}>(
			`SELECT (SELECT coalesce(max(id), 0) FROM events)::text AS event_id,
			        pg_current_snapshot()::text AS snapshot, ${marketStatusJson('m')} AS state
			   FROM markets m WHERE m.id = $1`,
			[input.marketId]
		);
		const row = rows[0];
		if (!row) throw domainError('MARKET_NOT_FOUND', 'No such market');
		return [
			{
				id: row.event_id,
				topic,
				kind: MARKET_STATUS_EVENT,
				optionId: null,
				marketId: input.marketId,
				userId: null,
				bookSeq: null,
				payload: row.state,
				createdAt: new Date(),
				// Not an event of the outbox: the status as of this snapshot.
				xid: '0',
				cursor: cursorText(row.snapshot, row.snapshot, row.event_id)
			}
		];
	};
	// The status is read once the subscriber listens (as its replay), whether or not it comes
	// back with a lastEventId; an unknown market fails that read, which is the subscription's
	// error, as for onPrice.
	return fanOutTracked(call, {
		hub: ctx.events,
		kind: 'status',
		topics: [topic],
		payloadOf: statusOf,
		replay: async function* () {
			yield await current();
		}
	});
}
