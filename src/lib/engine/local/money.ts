// The cash and position arithmetic of one book's matching batch (Kalshi's model, integer cents):
// reserves for resting orders, what each fill moves between traders and the collateral account,
// positions with cost basis and realized PnL. Pure and in memory; the batch writes the result.

export const SHARE_PAYOUT_CENTS = 100;

export type LedgerKind = 'RESERVE' | 'RELEASE' | 'TRADE' | 'SETTLEMENT' | 'REFUND';

/**
 * A trader's cash as the batch sees it. Only traders who place or amend orders have their
 * available balance read (and row-locked); for the others (makers) only the changes are
 * known, which is enough: a fill never lowers available cash or raises a reserve beyond what
 * their order already holds, so their rows are updated by adding the deltas.
 */
export interface TraderCash {
	/** Available cash at the start of the batch, when it was read; null when it was not. */
	startAvailableCents: number | null;
	availableDeltaCents: number;
	reservedDeltaCents: number;
}

export interface PositionState {
	quantity: number;
	/** Cash paid into the open position: x per long share bought, 100 − x per short share sold. */
	costBasisCents: number;
	realizedPnlCents: number;
	/** Long shares promised to resting sell orders. */
	lockedQuantity: number;
}

/** What a resting order holds back: cash (reservedCents) and, for a sell, held shares (coveredQuantity). */
export interface OrderHold {
	side: 'BUY' | 'SELL';
	priceCents: number;
	reservedCents: number;
	coveredQuantity: number;
}

export type AccountKind = 'TRADER_CASH' | 'TRADER_RESERVED' | 'EXCHANGE_COLLATERAL';

export interface Posting {
	/** Index of the journal within the group; all postings of one journal sum to zero. */
	journal: number;
	/** Place in the group's ledger, across its books: the ledger rows are written in this order. */
	sequence: number;
	/** null for the exchange's own (collateral) account. */
	userId: string | null;
	accountKind: AccountKind;
	kind: LedgerKind;
	amountCents: number;
	orderId: string | null;
	/** Index of the trade within the batch, for TRADE postings. */
	tradeIndex: number | null;
}

export const emptyPosition = (): PositionState => ({
	quantity: 0,
	costBasisCents: 0,
	realizedPnlCents: 0,
	lockedQuantity: 0
});

/** The hold a new order needs: buy p·q; sell (100 − p) per share beyond the free long shares. */
export function holdFor(
	side: 'BUY' | 'SELL',
	priceCents: number,
	quantity: number,
	position: PositionState
): OrderHold {
	if (side === 'BUY') {
		return { side, priceCents, reservedCents: priceCents * quantity, coveredQuantity: 0 };
	}
	const free = Math.max(position.quantity - position.lockedQuantity, 0);
	const covered = Math.min(quantity, free);
	return {
		side,
		priceCents,
		reservedCents: (SHARE_PAYOUT_CENTS - priceCents) * (quantity - covered),
		coveredQuantity: covered
	};
}

/** Share of the cost basis that leaves with `closed` of `open` shares (all of it on a full close). */
function basisShare(position: PositionState, closed: number): number {
	const open = Math.abs(position.quantity);
	if (closed >= open) return position.costBasisCents;
	return Math.floor((position.costBasisCents * closed) / open);
}

/**
 * Numbers the journals and postings of one group's books in the order they happen, whatever
 * the book: a trader's ledger read in row order then never shows a balance the trader did not have.
 */
export class LedgerClock {
	journals = 0;
	postings = 0;
}

/**
 * Books cash for one batch. Every method posts a balanced journal and keeps the in-memory
 * balances, positions and holds in step, so the batch can write absolute values at the end.
 */
export class BatchMoney {
	readonly postings: Posting[] = [];
	collateralDeltaCents = 0;

	/**
	 * @param positions the book's positions, changed in place.
	 * @param cash the traders' cash, shared by the books of one transaction, so that each book
	 * sees what the others have spent.
	 * @param clock the group's journal and posting numbers, shared by its books as the cash is.
	 */
	constructor(
		private readonly positions: Map<string, PositionState>,
		readonly cash = new Map<string, TraderCash>(),
		private readonly clock = new LedgerClock()
	) {}

	/** Records a trader's available cash as read (under a row lock) at the start of the batch. */
	knowAvailable(userId: string, availableCents: number): void {
		this.trader(userId).startAvailableCents = availableCents;
	}

	trader(userId: string): TraderCash {
		let trader = this.cash.get(userId);
		if (!trader) {
			trader = { startAvailableCents: null, availableDeltaCents: 0, reservedDeltaCents: 0 };
			this.cash.set(userId, trader);
		}
		return trader;
	}

	availableCents(userId: string): number {
		const trader = this.trader(userId);
		if (trader.startAvailableCents === null) {
			throw new Error(`Available cash of ${userId} was not read in this batch`);
		}
		return trader.startAvailableCents + trader.availableDeltaCents;
	}

	position(userId: string): PositionState {
		let position = this.positions.get(userId);
		if (!position) {
			position = emptyPosition();
			this.positions.set(userId, position);
		}
		return position;
	}

	/** Whether the trader's available cash covers `hold`. */
	canHold(userId: string, hold: OrderHold): boolean {
		return this.availableCents(userId) >= hold.reservedCents;
	}

	/** Whether the trader's available cash, with what `current` holds given back, covers `next`. */
	canReplaceHold(userId: string, current: OrderHold, next: OrderHold): boolean {
		return this.availableCents(userId) + current.reservedCents >= next.reservedCents;
	}

	/** Takes a new order's hold: cash moves from available to reserved, held shares are locked. */
	hold(userId: string, orderId: string, hold: OrderHold): void {
		this.position(userId).lockedQuantity += hold.coveredQuantity;
		this.moveToReserve(userId, orderId, hold.reservedCents);
	}

	/** Gives back what an order still holds (cancel, expiry, IOC remainder, amend). */
	releaseHold(userId: string, orderId: string, hold: OrderHold): void {
		this.position(userId).lockedQuantity -= hold.coveredQuantity;
		this.moveToReserve(userId, orderId, -hold.reservedCents);
		hold.reservedCents = 0;
		hold.coveredQuantity = 0;
	}

	/**
	 * Shrinks a resting order's hold for `quantity` fewer open shares (an amend down): the
	 * cash-backed part goes first, then the locked shares.
	 */
	shrinkHold(
		userId: string,
		orderId: string,
		hold: OrderHold,
		openBefore: number,
		quantity: number
	) {
		const uncovered = openBefore - hold.coveredQuantity;
		const fromUncovered = Math.min(quantity, uncovered);
		const fromCovered = quantity - fromUncovered;
		const perShare = hold.side === 'BUY' ? hold.priceCents : SHARE_PAYOUT_CENTS - hold.priceCents;
		const released = perShare * fromUncovered;
		hold.reservedCents -= released;
		hold.coveredQuantity -= fromCovered;
		this.position(userId).lockedQuantity -= fromCovered;
		this.moveToReserve(userId, orderId, -released);
	}

	private moveToReserve(userId: string, orderId: string, cents: number) {
		if (cents === 0) return;
		const trader = this.trader(userId);
		trader.availableDeltaCents -= cents;
		trader.reservedDeltaCents += cents;
		const journal = this.clock.journals++;
		const kind = cents > 0 ? 'RESERVE' : 'RELEASE';
		this.post(journal, userId, 'TRADER_CASH', kind, -cents, orderId, null);
		this.post(journal, userId, 'TRADER_RESERVED', kind, cents, orderId, null);
	}

	/**
	 * One trade of `quantity` at `priceCents` between a buy order and a sell order (either may be
	 * the maker). Releases what the two orders held for these shares and moves the trade's cash.
	 */
	fill(
		trade: { priceCents: number; quantity: number; tradeIndex: number },
		buyer: { userId: string; orderId: string; hold: OrderHold },
		seller: { userId: string; orderId: string; hold: OrderHold }
	): { coverageTaken: number } {
		const { priceCents: x, quantity: n, tradeIndex } = trade;
		const journal = this.clock.journals++;

		// Buyer: closes a short first (receives 100 − x a share), then opens or adds to a long (pays x).
		const buyerPosition = this.position(buyer.userId);
		const buyerRelease = buyer.hold.priceCents * n;
		buyer.hold.reservedCents -= buyerRelease;
		const shortClosed = Math.min(n, Math.max(-buyerPosition.quantity, 0));
		const longOpened = n - shortClosed;
		const buyerProceeds = this.closeShares(buyerPosition, shortClosed, SHARE_PAYOUT_CENTS - x);
		buyerPosition.quantity += longOpened;
		buyerPosition.costBasisCents += x * longOpened;
		this.settle(
			journal,
			buyer.userId,
			buyer.orderId,
			buyerRelease,
			buyerProceeds - x * longOpened,
			tradeIndex
		);

		// Seller: sells its own locked shares first, then free long shares, then long shares that
		// other resting sells of theirs had locked (those orders must then hold cash instead: the
		// caller moves that coverage), and only then opens a short (pays 100 − x a share).
		const sellerPosition = this.position(seller.userId);
		const fromCovered = Math.min(n, seller.hold.coveredQuantity);
		const uncovered = n - fromCovered;
		seller.hold.coveredQuantity -= fromCovered;
		sellerPosition.lockedQuantity -= fromCovered;
		const sellerRelease = (SHARE_PAYOUT_CENTS - seller.hold.priceCents) * uncovered;
		seller.hold.reservedCents -= sellerRelease;
		const longAfterCovered = Math.max(sellerPosition.quantity - fromCovered, 0);
		const closedFree = Math.min(
			uncovered,
			Math.max(longAfterCovered - sellerPosition.lockedQuantity, 0)
		);
		const coverageTaken = Math.min(uncovered - closedFree, longAfterCovered - closedFree);
		const longClosed = fromCovered + closedFree + coverageTaken;
		const shortOpened = n - longClosed;
		const sellerProceeds = this.closeShares(sellerPosition, longClosed, x);
		sellerPosition.quantity -= shortOpened;
		sellerPosition.costBasisCents += (SHARE_PAYOUT_CENTS - x) * shortOpened;
		this.settle(
			journal,
			seller.userId,
			seller.orderId,
			sellerRelease,
			sellerProceeds - (SHARE_PAYOUT_CENTS - x) * shortOpened,
			tradeIndex
		);
		return { coverageTaken };
	}

	/**
	 * Another resting sell of the same trader loses `shares` of its locked shares (sold by a
	 * different order): it holds (100 − p) a share of cash for them instead. The sale's proceeds
	 * and released reserve always cover this.
	 */
	uncover(userId: string, orderId: string, hold: OrderHold, shares: number): void {
		hold.coveredQuantity -= shares;
		this.position(userId).lockedQuantity -= shares;
		const cents = (SHARE_PAYOUT_CENTS - hold.priceCents) * shares;
		hold.reservedCents += cents;
		this.moveToReserve(userId, orderId, cents);
	}

	/** Closes `shares` of a position at `proceedsPerShare`; returns the proceeds and books the PnL. */
	private closeShares(position: PositionState, shares: number, proceedsPerShare: number): number {
		if (shares === 0) return 0;
		const basis = basisShare(position, shares);
		const proceeds = proceedsPerShare * shares;
		position.costBasisCents -= basis;
		position.realizedPnlCents += proceeds - basis;
		position.quantity += position.quantity > 0 ? -shares : shares;
		return proceeds;
	}

	/** Posts one side of a trade: `released` leaves reserve for available, `netCash` moves via collateral. */
	private settle(
		journal: number,
		userId: string,
		orderId: string,
		released: number,
		netCash: number,
		tradeIndex: number
	) {
		const trader = this.trader(userId);
		trader.reservedDeltaCents -= released;
		trader.availableDeltaCents += released + netCash;
		this.collateralDeltaCents -= netCash;
		this.post(journal, userId, 'TRADER_RESERVED', 'TRADE', -released, orderId, tradeIndex);
		this.post(journal, userId, 'TRADER_CASH', 'TRADE', released + netCash, orderId, tradeIndex);
		this.post(journal, null, 'EXCHANGE_COLLATERAL', 'TRADE', -netCash, orderId, tradeIndex);
	}

	private post(
		journal: number,
		userId: string | null,
		accountKind: AccountKind,
		kind: LedgerKind,
		amountCents: number,
		orderId: string | null,
		tradeIndex: number | null
	) {
		if (amountCents !== 0) {
			const sequence = this.clock.postings++;
			this.postings.push({
				journal,
				sequence,
				userId,
				accountKind,
				kind,
				amountCents,
				orderId,
				tradeIndex
			});
		}
	}
}
