// Every trade of one option as it happens (not conflated), tracked by its outbox event id.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { streamTopic } from '$lib/server/events';
import type { Context } from '../../context';

export const onTradeInput = z.strictObject({ optionId: z.uuid() });

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
	for await (const item of streamTopic(ctx.events, `trades:${input.optionId}`, { signal })) {
		if (item.type === 'event') yield tracked(item.event.id, item.event.payload as TradeUpdate);
	}
}
