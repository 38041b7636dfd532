// Average price and unrealized PnL of a position, in integer cents and YES terms. A long of q
// shares cost c (the YES price paid); a short of q shares cost c in collateral, (100 − p) each,
// so its average YES price is 100 − c/q. Both PnLs are exact from the cost, never from a
// rounded average.
export const SHARE_PAYOUT_CENTS = 100;

export function averagePriceCents(quantity: number, costBasisCents: number): number | null {
	if (quantity === 0) return null;
	const perShare = costBasisCents / Math.abs(quantity);
	return Math.round(quantity > 0 ? perShare : SHARE_PAYOUT_CENTS - perShare);
}

/** Long: (last − avg)·q = last·q − cost. Short: (avg − last)·|q| = (100 − last)·|q| − cost. */
export function unrealizedPnlCents(
	quantity: number,
	costBasisCents: number,
	lastPriceCents: number | null
): number | null {
	if (lastPriceCents === null) return null;
	if (quantity === 0) return 0;
	const worth =
		quantity > 0 ? lastPriceCents * quantity : (SHARE_PAYOUT_CENTS - lastPriceCents) * -quantity;
	return worth - costBasisCents;
}
