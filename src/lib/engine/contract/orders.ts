// Building an order for a market's option from only the fields a test cares about: the contract
// suite and the engine tests share it.
import { PlaceOrderInput, type Side } from '$lib/shared/orders';

export interface OrderFields {
	side: Side;
	quantity: number;
	priceCents?: number;
	type?: 'LIMIT' | 'MARKET';
	timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'GTD';
	expiresAt?: Date;
	postOnly?: boolean;
	clientOrderId?: string;
	/** Which of the market's options the order is for (its index); the first by default. */
	option?: number;
}

export function orderInput(
	market: { id: string; optionIds: string[] },
	{ option = 0, ...fields }: OrderFields
): PlaceOrderInput {
	return PlaceOrderInput.parse({
		marketId: market.id,
		optionId: market.optionIds[option],
		...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
	});
}
