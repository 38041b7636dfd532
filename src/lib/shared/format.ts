// How money, prices and counts read on the site: integer cents in, text out; never floats in the
// maths. Always en-US, so the server's render and the trader's browser agree.

/** 12345 → "$123.45"; −5 → "−$0.05". */
export function formatCents(cents: number | bigint): string {
	const value = BigInt(cents);
	const negative = value < 0n;
	const abs = negative ? -value : value;
	const dollars = (abs / 100n).toLocaleString('en-US');
	const rest = (abs % 100n).toString().padStart(2, '0');
	return `${negative ? '−' : ''}$${dollars}.${rest}`;
}

/** A price in cents read as a probability: 63 → "63%"; null → "—". */
export function formatChance(priceCents: number | null): string {
	return priceCents === null ? '—' : `${priceCents}%`;
}

/** A price in cents as a price: 63 → "63¢". */
export function formatPrice(priceCents: number | null): string {
	return priceCents === null ? '—' : `${priceCents}¢`;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Shares, orders or calls with thousands separators: 1000000 → "1,000,000". */
export function formatCount(count: number): string {
	return grouped.format(count);
}
