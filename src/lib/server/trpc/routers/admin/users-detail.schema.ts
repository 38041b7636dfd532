// admin.users.detail: one user as support staff see them — cash, positions and recent orders
// with the engine that served each — read from the database, whichever engine wrote it.
import { z } from 'zod';
import { MarketStatus, priceCents } from '$lib/shared/markets';
import { OrderView } from '$lib/shared/orders';
import { Role } from '$lib/shared/users';

export const userDetailInput = z.strictObject({
	userId: z.uuid(),
	/** How many of the user's most recent orders to include. */
	orderLimit: z.number().int().min(1).max(200).default(50)
});

const cents = z.number().int();

export const userDetailOutput = z.strictObject({
	user: z.strictObject({
		id: z.uuid(),
		email: z.string(),
		displayName: z.string(),
		role: Role,
		createdAt: z.date(),
		disabled: z.boolean()
	}),
	balance: z.strictObject({
		/** Available + reserved. */
		cashCents: cents,
		reservedCents: cents,
		availableCents: cents
	}),
	positions: z.array(
		z.strictObject({
			marketId: z.uuid(),
			marketTitle: z.string(),
			marketStatus: MarketStatus,
			optionId: z.uuid(),
			optionLabel: z.string(),
			/** Signed YES shares: positive is long, negative is short. */
			quantity: z.number().int(),
			averagePriceCents: z.number().int().min(0).max(100).nullable(),
			realizedPnlCents: cents,
			lastPriceCents: priceCents.nullable(),
			unrealizedPnlCents: cents.nullable()
		})
	),
	/** Newest first; `engine` is the engine that committed the order. */
	orders: z.array(
		OrderView.extend({ marketTitle: z.string(), marketSlug: z.string(), optionLabel: z.string() })
	)
});

export type UserDetailInput = z.infer<typeof userDetailInput>;
export type UserDetail = z.infer<typeof userDetailOutput>;
