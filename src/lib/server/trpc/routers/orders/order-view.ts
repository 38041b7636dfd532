// Orders as the API shows them, read from the orders table (list and get).
import type { Prisma } from '$lib/server/db/generated/client';
import type { OrderView } from '$lib/shared/orders';

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
