// Every trade of one option as it happens (not conflated), tracked by its outbox event id, with
// its time.
// Fanned out natively over the app's WebSocket (see ws/fanout.ts). A `lastEventId` past every
// event id is refused: the stream has no way to say what such a client missed.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { replayAfter, type HubEvent } from '$lib/server/events';
import { fanOutTracked, type FanoutCall } from '$lib/server/ws/fanout';
import type { Context } from '../../context';
import type { TradeRow } from '../books/trades.schema';

export const onTradeInput = z.strictObject({
	optionId: z.uuid(),
	/** Sent by tRPC's client on reconnect: the trades after it are replayed first. */
	lastEventId: z.string().regex(/^\d+$/).nullish()
});

/** Most missed trades replayed on reconnect. */
export const MAX_TRADE_REPLAY = 1_000;

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
		replay: replayAfter(ctx.db.pool, [topic], input.lastEventId, MAX_TRADE_REPLAY, aheadOfOutbox)
	});
}

/** The error for a `lastEventId` this server never handed out (another database's, or garbage). */
function aheadOfOutbox(lastEventId: string): TRPCError {
	return new TRPCError({
		code: 'BAD_REQUEST',
		message: `lastEventId ${lastEventId} is past the newest event: read the trades again and subscribe without it`
	});
}
