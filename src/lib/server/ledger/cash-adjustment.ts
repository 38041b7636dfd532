// An admin credits or debits a trader's available cash, with a reason: a DEPOSIT or WITHDRAWAL
// journal against the EXTERNAL account, the balance, and the account audit row, in one
// transaction. A debit never touches cash held by resting orders.
import type pg from 'pg';
import { inTransaction } from '$lib/server/db/transaction';
import { formatCents } from '$lib/shared/format';
import { type AccountActor, recordAccountChangeSql } from '../auth/account-audit';
import { deposit, withdraw } from './accounts';

export interface CashAdjustmentRequest {
	userId: string;
	/** Positive credits, negative debits; never zero. */
	amountCents: number;
	reason: string;
	by: AccountActor;
}

export interface TraderBalance {
	cashCents: number;
	reservedCents: number;
	availableCents: number;
}

export type CashAdjustmentResult =
	| { ok: true; journalId: string; balance: TraderBalance }
	| { ok: false; code: 'USER_NOT_FOUND' | 'NOT_A_TRADER' | 'INSUFFICIENT_FUNDS'; message: string };

/** What the ledger row says: that staff made it, and why (the trader reads it too). */
export function staffAdjustmentMemo(reason: string): string {
	return `Staff adjustment: ${reason}`;
}

export async function adjustTraderCash(
	pool: pg.Pool,
	{ userId, amountCents, reason, by }: CashAdjustmentRequest
): Promise<CashAdjustmentResult> {
	if (!Number.isSafeInteger(amountCents) || amountCents === 0) {
		throw new RangeError('A cash adjustment is a non-zero whole number of cents');
	}
	return inTransaction(
		pool,
		(client) => adjustLocked(client, { userId, amountCents, reason, by }),
		(result) => result.ok
	);
}

async function adjustLocked(
	client: pg.ClientBase,
	{ userId, amountCents, reason, by }: CashAdjustmentRequest
): Promise<CashAdjustmentResult> {
	const { rows: users } = await client.query<{ role: string; display_name: string }>(
		'SELECT role, display_name FROM users WHERE id = $1',
		[userId]
	);
	const user = users[0];
	if (!user) return { ok: false, code: 'USER_NOT_FOUND', message: 'No such user' };
	if (user.role !== 'TRADER') {
		return {
			ok: false,
			code: 'NOT_A_TRADER',
			message: `${user.display_name} is ${user.role} staff: only traders hold cash`
		};
	}
	// The row lock orders this after any order or adjustment moving the same cash, so two debits
	// at once cannot both spend it: the second reads what the first left.
	const { rows: cash } = await client.query<{ balance_cents: string }>(
		`SELECT balance_cents::text FROM accounts WHERE user_id = $1 AND kind = 'TRADER_CASH'
		 FOR NO KEY UPDATE`,
		[userId]
	);
	if (!cash[0]) throw new Error(`Trader ${userId} has no cash account`);
	const availableCents = BigInt(cash[0].balance_cents);
	const cents = BigInt(amountCents);
	const memo = staffAdjustmentMemo(reason);
	if (cents < 0n && -cents > availableCents) {
		return {
			ok: false,
			code: 'INSUFFICIENT_FUNDS',
			message: `${user.display_name} has ${formatCents(availableCents)} available (cash not held by open orders): a debit of ${formatCents(-cents)} would take more`
		};
	}
	const journalId = (
		cents > 0n
			? await deposit(client, userId, cents, memo)
			: await withdraw(client, userId, -cents, memo)
	).toString();
	await recordAccountChangeSql(client, userId, by, {
		action: 'CASH_ADJUSTED',
		cash: { amountCents, journalId, reason }
	});
	return { ok: true, journalId, balance: await balanceOf(client, userId) };
}

async function balanceOf(client: pg.ClientBase, userId: string): Promise<TraderBalance> {
	const { rows } = await client.query<{ kind: string; balance_cents: string }>(
		`SELECT kind, balance_cents::text FROM accounts
		  WHERE user_id = $1 AND kind IN ('TRADER_CASH', 'TRADER_RESERVED')`,
		[userId]
	);
	const of = (kind: string) => Number(rows.find((row) => row.kind === kind)?.balance_cents ?? 0);
	const availableCents = of('TRADER_CASH');
	const reservedCents = of('TRADER_RESERVED');
	return { cashCents: availableCents + reservedCents, reservedCents, availableCents };
}
