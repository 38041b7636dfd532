// When a market stops trading, in words: "Closes" while its closing time is ahead, "Closed" once
// it is closed or resolved, or its closing time has passed.
import type { MarketSummary } from '$lib/shared/markets';

type Closing = Pick<MarketSummary, 'status' | 'closesAt'>;

const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

export function closingWord(market: Closing, now: Date): 'Closes' | 'Closed' {
	const over = market.status === 'CLOSED' || market.status === 'RESOLVED';
	return over || market.closesAt.getTime() <= now.getTime() ? 'Closed' : 'Closes';
}

/** "Closes Dec 26, 2026" / "Closed Dec 3, 2026", as the market list shows it. */
export function closingDayText(market: Closing, now: Date): string {
	return `${closingWord(market, now)} ${day.format(market.closesAt)}`;
}
