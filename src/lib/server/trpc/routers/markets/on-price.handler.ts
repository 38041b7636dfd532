// Last-trade prices of every option of a market as trades happen, for lists and market pages.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { replayAfter, streamTopic } from '$lib/server/events';
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

export async function* onPrice({
	ctx,
	input,
	signal
}: {
	ctx: Context;
	input: z.infer<typeof onPriceInput>;
	signal?: AbortSignal;
}) {
	const options = await ctx.prisma.marketOption.findMany({
		where: { marketId: input.marketId },
		select: { id: true }
	});
	if (options.length === 0) throw domainError('MARKET_NOT_FOUND', 'No such market');
	const topics = options.map((option) => `trades:${option.id}`);
	const replay = replayAfter(ctx.db.pool, topics, input.lastEventId, MAX_PRICE_REPLAY);
	for await (const item of streamTopic(ctx.events, topics, { signal, replay })) {
		if (item.type !== 'event' || item.event.optionId === null) continue;
		const trade = item.event.payload as { priceCents: number; quantity: number };
		yield tracked(item.event.id, {
			optionId: item.event.optionId,
			priceCents: trade.priceCents,
			quantity: trade.quantity
		} satisfies PriceUpdate);
	}
}
