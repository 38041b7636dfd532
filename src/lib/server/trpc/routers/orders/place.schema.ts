import { z } from 'zod';
import { FillView, OrderView, PlaceOrderInput } from '$lib/shared/orders';
import { servedBy } from '../../served';

export const MAX_BATCH_ORDERS = 20;

export const placeInput = PlaceOrderInput;

const outcome = {
	order: OrderView,
	/** The fills this call made; a REJECTED order (with its rejectReason) has none. */
	fills: z.array(FillView),
	/** True when the clientOrderId was used before: `order` is that earlier order. */
	duplicate: z.boolean()
};

export const placeOutput = servedBy.extend(outcome);

export const placeBatchInput = z.strictObject({
	orders: z.array(PlaceOrderInput).min(1).max(MAX_BATCH_ORDERS)
});

/** One result per order, in the order sent: each is accepted or refused on its own. */
export const placeBatchOutput = servedBy.extend({
	results: z.array(
		z.discriminatedUnion('ok', [
			z.strictObject({ ok: z.literal(true), ...outcome }),
			z.strictObject({ ok: z.literal(false), code: z.string(), message: z.string() })
		])
	)
});

export type PlaceInput = z.infer<typeof placeInput>;
export type PlaceBatchInput = z.infer<typeof placeBatchInput>;
