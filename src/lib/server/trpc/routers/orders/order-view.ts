// Orders as the API shows them, read from the orders table (list and get), and the order id
// every order procedure takes.
import { z } from 'zod';
import type { Prisma } from '$lib/server/db/generated/client';
import type { OrderView } from '$lib/shared/orders';

/** An order id: the orders table's bigint, as a decimal string. */
export const orderId = z.string().regex(/^\d{1,18}$/, { error: 'expected an order id' });

export const orderViewSelect = {
	id: true,
	clientOrderId: true,
	userId: true,
	marketId: true,
	optionId: true,
	side: true,
	type: true,
	timeInForce: true,
	postOnly: true,
	priceCents: true,
	quantity: true,
	filledQuantity: true,
	status: true,
	rejectReason: true,
	expiresAt: true,
	engine: true,
	createdAt: true,
	updatedAt: true
} satisfies Prisma.OrderSelect;

type OrderRow = Prisma.OrderGetPayload<{ select: typeof orderViewSelect }>;

export function toOrderView(row: OrderRow): OrderView {
	return { ...row, id: row.id.toString() };
}
