// ADMIN credits or debits a trader's cash with a reason (src/lib/server/ledger/cash-adjustment.ts):
// a staff user or an unknown one is refused, and so is a debit of more than the trader has
// available.
import { adjustTraderCash } from '$lib/server/ledger/cash-adjustment';
import { actorOf, type AuthedContext } from '../../context';
import { domainError } from '../../errors';
import { existingUserId } from './existing-user';
import type { AdjustCashInput, AdjustCashOutput } from './users-adjust-cash.schema';

export async function adjustCash({
	ctx,
	input
}: {
	ctx: AuthedContext;
	input: AdjustCashInput;
}): Promise<AdjustCashOutput> {
	const userId = await existingUserId(ctx, input.userId);
	const result = await adjustTraderCash(ctx.db.pool, {
		userId,
		amountCents: input.amountCents,
		reason: input.reason,
		by: actorOf(ctx)
	});
	if (!result.ok) throw domainError(result.code, result.message);
	return {
		userId,
		amountCents: input.amountCents,
		journalId: result.journalId,
		balance: result.balance
	};
}
