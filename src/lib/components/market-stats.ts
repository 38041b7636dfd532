// An option's last 24 hours as the market list shows them, and how a live trade moves them.

export interface OptionDayStats {
	/** The last trade price 24 h ago (or the first trade since, when there was none before). */
	dayAgoPriceCents: number | null;
	volume24h: number;
}

/** Change in percentage points since 24 h ago; null when there is nothing to compare. */
export function dayChange(lastPriceCents: number | null, stats: OptionDayStats | undefined) {
	if (lastPriceCents === null || !stats || stats.dayAgoPriceCents === null) return null;
	return lastPriceCents - stats.dayAgoPriceCents;
}

/** 950 → "950", 12_300 → "12.3k". */
export function compactCount(value: number): string {
	return value < 10_000
		? value.toLocaleString('en-US')
		: new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })
				.format(value)
				.toLowerCase();
}
