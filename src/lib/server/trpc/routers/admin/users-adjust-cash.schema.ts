// admin.users.adjustCash: an admin credits (positive) or debits (negative) a trader's available
// cash, with a reason kept in the ledger and the user's account audit.
import { z } from 'zod';
import { MAX_CASH_ADJUSTMENT_CENTS } from '$lib/shared/cash-adjustment';
import { StaffReason } from '$lib/shared/staff-reason';
import { balanceOutput } from '../account/balance.schema';

export const adjustCashInput = z.strictObject({
	userId: z.uuid(),
	/** Whole cents: positive credits the trader, negative debits them; at most a million dollars. */
	amountCents: z
		.number()
		.int()
		.min(-MAX_CASH_ADJUSTMENT_CENTS)
		.max(MAX_CASH_ADJUSTMENT_CENTS)
		.refine((cents) => cents !== 0, { error: 'must not be zero' }),
	reason: StaffReason
});

export const adjustCashOutput = z.strictObject({
	userId: z.uuid(),
	amountCents: z.number().int(),
	/** The ledger journal that moved the cash (a DEPOSIT or WITHDRAWAL). */
	journalId: z.string(),
	/** The trader's cash after it. */
	balance: balanceOutput
});

export type AdjustCashInput = z.infer<typeof adjustCashInput>;
export type AdjustCashOutput = z.infer<typeof adjustCashOutput>;
