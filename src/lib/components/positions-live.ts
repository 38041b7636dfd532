// A position revalued at a new last trade price, so PnL moves with the market between the
// position updates the server sends (those come only when the trader's own orders change).
import type { Position } from '$lib/trpc/types';

const SHARE_PAYOUT_CENTS = 100;

/** Long: last·q − cost. Short: (100 − last)·|q| − cost. Exact in cents, as the server computes it. */
export function revalue(position: Position, lastPriceCents: number): Position {
	const { quantity, costBasisCents } = position;
	const worth =
		quantity > 0 ? lastPriceCents * quantity : (SHARE_PAYOUT_CENTS - lastPriceCents) * -quantity;
	return {
		...position,
		lastPriceCents,
		unrealizedPnlCents: quantity === 0 ? 0 : worth - costBasisCents
	};
}

export function revalueOption(
	positions: Position[],
	optionId: string,
	lastPriceCents: number
): Position[] {
	return positions.map((position) =>
		position.optionId === optionId ? revalue(position, lastPriceCents) : position
	);
}
