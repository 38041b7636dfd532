import { z } from 'zod';

const cents = z.number().int();

/** Takes nothing: no input or `{}`; a field it does not know is refused, as everywhere else. */
export const balanceInput = z.strictObject({}).optional();

export const balanceOutput = z.strictObject({
	/** Everything the trader holds in cash: available + reserved. */
	cashCents: cents,
	/** Held by resting orders until they fill or are cancelled. */
	reservedCents: cents,
	/** What new orders can use. */
	availableCents: cents
});
