// One page of a user's orders, newest first, and where the next (older) page starts: the
// trader's orders.list and support's admin.users.orders page through the same rows alike.
import type { Prisma, PrismaClient } from '$lib/server/db/generated/client';
import { orderViewSelect } from './order-view';

/** What a page reads of each order: at least what the order view needs. */
export type OrderPageSelect = typeof orderViewSelect & Prisma.OrderSelect;

export interface OrderPageRequest<Select extends OrderPageSelect> {
	userId: string;
	/** The last id of the previous page (its `nextCursor`): the page holds older orders. */
	cursor?: string;
	limit: number;
	/** Narrows the user's orders; the cursor may name any of them. */
	filter?: Pick<Prisma.OrderWhereInput, 'status' | 'marketId'>;
	select: Select;
	/** The error for a cursor that names none of the user's orders. */
	unknownCursor: (cursor: string) => Error;
}

export interface OrderPage<Row> {
	rows: Row[];
	/** Null on the last page. */
	nextCursor: string | null;
}

type OrderRow<Select extends OrderPageSelect> = Prisma.OrderGetPayload<{ select: Select }>;

export async function readOrderPage<Select extends OrderPageSelect>(
	prisma: PrismaClient,
	{ userId, cursor, limit, filter, select, unknownCursor }: OrderPageRequest<Select>
): Promise<OrderPage<OrderRow<Select>>> {
	// Newest first by time, not by id: two engines take ids from the sequence in blocks, so ids
	// from different engines interleave out of time order.
	const after = cursor
		? await prisma.order.findFirst({
				where: { id: BigInt(cursor), userId },
				select: { id: true, createdAt: true }
			})
		: null;
	if (cursor && !after) throw unknownCursor(cursor);
	// Prisma's type for a generic select does not show the `id` that orderViewSelect reads.
	const rows = (await prisma.order.findMany({
		where: {
			...filter,
			userId,
			OR: after
				? [
						{ createdAt: { lt: after.createdAt } },
						{ createdAt: after.createdAt, id: { lt: after.id } }
					]
				: undefined
		},
		orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
		take: limit + 1,
		select
	})) as (OrderRow<Select> & { id: bigint })[];
	const page = rows.slice(0, limit);
	return {
		rows: page,
		nextCursor: rows.length > limit ? (page.at(-1)?.id.toString() ?? null) : null
	};
}
