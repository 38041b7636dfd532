import { z } from 'zod';

const cents = z.number().int();

export const balanceOutput = z.strictObject({
	/** Everything the trader holds in cash: available + reserved. */
	cashCents: cents,
	/** Held by resting orders until they fill or are cancelled. */
	reservedCents: cents,
	/** What new orders can use. */
	availableCents: cents
});
