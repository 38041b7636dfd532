// Last-trade prices of every option of a market as trades happen, for lists and market pages.
// Fanned out natively over the app's WebSocket (see ws/fanout.ts). A `lastEventId` past every
// event id is refused: the stream has no way to say what such a client missed.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { replayAfter, type HubEvent } from '$lib/server/events';
import { fanOutTracked, type FanoutCall } from '$lib/server/ws/fanout';
import type { Context } from '../../context';
import { domainError } from '../../errors';

export const onPriceInput = z.strictObject({
	marketId: z.uuid(),
	/** Sent by tRPC's client on reconnect: the prices after it are replayed first. */
	lastEventId: z.string().regex(/^\d+$/).nullish()
});

/** Most missed trades replayed on reconnect. */
const MAX_PRICE_REPLAY = 1_000;

export interface PriceUpdate {
	optionId: string;
	priceCents: number;
	quantity: number;
}

function priceOf(event: HubEvent): PriceUpdate | undefined {
	if (event.optionId === null) return undefined;
	const trade = event.payload as { priceCents: number; quantity: number };
	return { optionId: event.optionId, priceCents: trade.priceCents, quantity: trade.quantity };
}

export function onPrice({
	ctx,
	input,
	...call
}: FanoutCall & { ctx: Context; input: z.infer<typeof onPriceInput> }) {
	// A loader: it runs when the subscription is first read, after `started`, so an unknown
	// market is the subscription's error as before.
	return fanOutTracked(call, async () => {
		const options = await ctx.prisma.marketOption.findMany({
			where: { marketId: input.marketId },
			select: { id: true }
		});
		if (options.length === 0) throw domainError('MARKET_NOT_FOUND', 'No such market');
		const topics = options.map((option) => `trades:${option.id}`);
		return {
			hub: ctx.events,
			kind: 'price',
			topics,
			payloadOf: priceOf,
			replay: replayAfter(ctx.db.pool, topics, input.lastEventId, MAX_PRICE_REPLAY, aheadOfOutbox)
		};
	});
}

/** The error for a `lastEventId` this server never handed out (another database's, or garbage). */
function aheadOfOutbox(lastEventId: string): TRPCError {
	return new TRPCError({
		code: 'BAD_REQUEST',
		message: `lastEventId ${lastEventId} is past the newest event: read the market again and subscribe without it`
	});
}
