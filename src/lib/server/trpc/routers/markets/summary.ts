// The rows a market summary is built from, shared by list and get.
import type { Prisma } from '$lib/server/db/generated/client';
import type { MarketSummary } from '$lib/shared/markets';

export const marketSummarySelect = {
	id: true,
	slug: true,
	title: true,
	category: true,
	status: true,
	closesAt: true,
	resolution: true,
	resolvedOptionId: true,
	options: {
		orderBy: { sortOrder: 'asc' },
		select: { id: true, label: true, book: { select: { lastPriceCents: true } } }
	}
} satisfies Prisma.MarketSelect;

type SummaryRow = Prisma.MarketGetPayload<{ select: typeof marketSummarySelect }>;

export function toMarketSummary(row: SummaryRow): MarketSummary {
	return {
		id: row.id,
		slug: row.slug,
		title: row.title,
		category: row.category,
		status: row.status,
		closesAt: row.closesAt,
		resolution: row.resolution,
		resolvedOptionId: row.resolvedOptionId,
		options: row.options.map((option) => ({
			id: option.id,
			label: option.label,
			lastPriceCents: option.book?.lastPriceCents ?? null
		}))
	};
}
