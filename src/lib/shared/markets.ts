// Market shapes shared by the server (validation, output) and the browser (types).
import { z } from 'zod';

export const marketStatuses = ['OPEN', 'HALTED', 'CLOSED', 'RESOLVED'] as const;
export const MarketStatus = z.enum(marketStatuses);
export type MarketStatus = z.infer<typeof MarketStatus>;

export const priceCents = z.number().int().min(1).max(99);

export const OptionSummary = z.strictObject({
	id: z.uuid(),
	label: z.string(),
	lastPriceCents: priceCents.nullable()
});

export const MarketSummary = z.strictObject({
	id: z.uuid(),
	slug: z.string(),
	title: z.string(),
	category: z.string(),
	status: MarketStatus,
	closesAt: z.date(),
	/** How a RESOLVED market ended: an option won, or it was voided; null before. */
	resolution: z.enum(['OPTION', 'VOID']).nullable(),
	resolvedOptionId: z.uuid().nullable(),
	options: z.array(OptionSummary)
});
export type MarketSummary = z.infer<typeof MarketSummary>;

/** An option as the market list shows it: with its last day, for the change and the volume. */
export const OptionListItem = OptionSummary.extend({
	/** The last trade price 24 h ago (or the first trade since, when there was none before). */
	dayAgoPriceCents: priceCents.nullable(),
	volume24h: z.number().int().nonnegative()
});

export const MarketListItem = MarketSummary.extend({ options: z.array(OptionListItem) });
export type MarketListItem = z.infer<typeof MarketListItem>;

export const OptionDetail = OptionSummary.extend({
	bestBidCents: priceCents.nullable(),
	bestAskCents: priceCents.nullable(),
	volume24h: z.number().int().nonnegative()
});
export type OptionDetail = z.infer<typeof OptionDetail>;

export const MarketDetail = MarketSummary.extend({
	description: z.string(),
	options: z.array(OptionDetail)
});
export type MarketDetail = z.infer<typeof MarketDetail>;
