// Every trade of one option as it happens (not conflated), tracked by its outbox cursor, with
// its time. Fanned out natively over the app's WebSocket (see ws/fanout.ts). A `lastEventId` is
// resumed after exactly, or refused when the outbox cannot tell what its client missed.
import { z } from 'zod';
import { replayAfter, type HubEvent } from '$lib/server/events';
import { fanOutTracked, type FanoutCall } from '$lib/server/ws/fanout';
import type { Context } from '../../context';
import { refuseResume } from './refuse-resume';
import type { TradeRow } from '../books/trades.schema';
import { lastEventIdInput } from '../last-event-id';

export const onTradeInput = z.strictObject({
	optionId: z.uuid(),
	/** Sent by tRPC's client on reconnect: every trade after it is replayed first. */
	lastEventId: lastEventIdInput
});

/** A trade as it happens: the row `books.trades` lists for it. */
export type TradeUpdate = TradeRow;

/**
 * The trade an outbox event tells of. Its time is the event's: the group commit writes a trade
 * and its event with the same `created_at`.
 */
function tradeOf(event: HubEvent): TradeUpdate {
	const trade = event.payload as Omit<TradeUpdate, 'createdAt'>;
	return { ...trade, createdAt: event.createdAt };
}

export function onTrade({
	ctx,
	input,
	...call
}: FanoutCall & { ctx: Context; input: z.infer<typeof onTradeInput> }) {
	const topic = `trades:${input.optionId}`;
	return fanOutTracked(call, {
		hub: ctx.events,
		kind: 'trade',
		topics: [topic],
		payloadOf: tradeOf,
		replay: replayAfter(
			ctx.db.pool,
			[topic],
			input.lastEventId,
			refuseResume('the trades again (books.trades)')
		),
		lastEventId: input.lastEventId
	});
}
