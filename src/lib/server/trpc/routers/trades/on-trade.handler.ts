// Every trade of one option as it happens (not conflated), tracked by its outbox event id.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { replayAfter, streamTopic } from '$lib/server/events';
import type { Context } from '../../context';

export const onTradeInput = z.strictObject({
	optionId: z.uuid(),
	/** Sent by tRPC's client on reconnect: the trades after it are replayed first. */
	lastEventId: z.string().regex(/^\d+$/).nullish()
});

/** Most missed trades replayed on reconnect. */
export const MAX_TRADE_REPLAY = 1_000;

export interface TradeUpdate {
	id: string;
	priceCents: number;
	quantity: number;
	takerSide: 'BUY' | 'SELL';
}

export async function* onTrade({
	ctx,
	input,
	signal
}: {
	ctx: Context;
	input: z.infer<typeof onTradeInput>;
	signal?: AbortSignal;
}) {
	const topic = `trades:${input.optionId}`;
	const replay = replayAfter(ctx.db.pool, [topic], input.lastEventId, MAX_TRADE_REPLAY);
	for await (const item of streamTopic(ctx.events, topic, { signal, replay })) {
		if (item.type === 'event') yield tracked(item.event.id, item.event.payload as TradeUpdate);
	}
}
