// Last-trade prices of every option of a market as trades happen, for lists and market pages.
// Fanned out natively over the app's WebSocket (see ws/fanout.ts). A `lastEventId` is resumed
// after exactly, or refused when the outbox cannot tell what its client missed.
import { z } from 'zod';
import { replayAfter, type HubEvent } from '$lib/server/events';
import { fanOutTracked, type FanoutCall } from '$lib/server/ws/fanout';
import type { Context } from '../../context';
import { domainError } from '../../errors';
import { lastEventIdInput } from '../last-event-id';
import { refuseResume } from '../trades/refuse-resume';

export const onPriceInput = z.strictObject({
	marketId: z.uuid(),
	/** Sent by tRPC's client on reconnect: the price of every trade after it is replayed first. */
	lastEventId: lastEventIdInput
});

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

export async function onPrice({
	ctx,
	input,
	...call
}: FanoutCall & { ctx: Context; input: z.infer<typeof onPriceInput> }) {
	// Read before the subscription is returned: tRPC sends `started` once it has the stream, and
	// the stream joins its topics at once, so a trade committed after `started` is never missed.
	const options = await ctx.prisma.marketOption.findMany({
		where: { marketId: input.marketId },
		select: { id: true }
	});
	if (options.length === 0) throw domainError('MARKET_NOT_FOUND', 'No such market');
	const topics = options.map((option) => `trades:${option.id}`);
	return fanOutTracked(call, {
		hub: ctx.events,
		kind: 'price',
		topics,
		payloadOf: priceOf,
		replay: replayAfter(
			ctx.db.pool,
			topics,
			input.lastEventId,
			refuseResume('the market again (markets.get)')
		),
		lastEventId: input.lastEventId
	});
}
