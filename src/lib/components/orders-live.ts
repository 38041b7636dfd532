// Keeps a list of the trader's orders current from orders.onMyUpdates. An update is the whole
// order; an app process of an earlier version may still send only { id, status, reason } for an
// order a market's closing cancelled, with dates as text, and that too is folded into the order
// the list already holds.
import type { OrderStatus, OrderView } from '$lib/shared/orders';

export const OPEN_STATUSES: readonly OrderStatus[] = ['OPEN', 'PARTIALLY_FILLED'];

export type OrderUpdate = Partial<Omit<OrderView, 'createdAt' | 'updatedAt' | 'expiresAt'>> & {
	id: string;
	createdAt?: Date | string;
	updatedAt?: Date | string;
	expiresAt?: Date | string | null;
	reason?: string;
};

function isComplete(update: OrderUpdate): boolean {
	return update.quantity !== undefined && update.optionId !== undefined;
}

/** The update as an order, when it is complete or completes one we hold. */
export function mergeOrderUpdate(
	held: OrderView | undefined,
	update: OrderUpdate
): OrderView | null {
	if (!held && !isComplete(update)) return null;
	const { reason, createdAt, updatedAt, expiresAt, ...fields } = update;
	const base = held ?? (fields as OrderView);
	return {
		...base,
		...fields,
		rejectReason: fields.rejectReason ?? reason ?? base.rejectReason ?? null,
		createdAt: createdAt ? new Date(createdAt) : base.createdAt,
		updatedAt: updatedAt ? new Date(updatedAt) : (base.updatedAt ?? new Date()),
		expiresAt:
			expiresAt === undefined ? (base.expiresAt ?? null) : expiresAt ? new Date(expiresAt) : null
	};
}

/**
 * Open orders after an update: changed in place, added when new and open, dropped when no longer
 * open. Returns null when the update names an order the list cannot place (re-read the list).
 */
export function applyToOpenOrders(orders: OrderView[], update: OrderUpdate): OrderView[] | null {
	const index = orders.findIndex((order) => order.id === update.id);
	const merged = mergeOrderUpdate(orders[index], update);
	if (!merged) return update.status && !OPEN_STATUSES.includes(update.status) ? orders : null;
	const open = OPEN_STATUSES.includes(merged.status);
	if (index === -1) return open ? [merged, ...orders] : orders;
	return open ? orders.with(index, merged) : orders.toSpliced(index, 1);
}

/**
 * Which of the orders whose outcome the page shows a re-read must fetch one by one: those last
 * seen open, or not seen at all. One that left the book meanwhile (filled, cancelled, expired) is
 * no longer among the open orders, so only reading it says what became of it.
 */
export function ordersToReread(
	followedIds: readonly (string | null)[],
	latest: Readonly<Record<string, Pick<OrderView, 'status'>>>
): string[] {
	const ids = new Set(followedIds.filter((id) => id !== null));
	return [...ids].filter((id) => !latest[id] || OPEN_STATUSES.includes(latest[id].status));
}
