// Trader cash accounts, deposits and withdrawals, posted as balanced journals on the append-only
// ledger. Callers pass a client inside their own transaction, so a movement is atomic with what
// caused it.
import type pg from 'pg';

/** Opens a trader's two accounts (available cash and cash reserved by resting orders), once. */
export async function openTraderAccounts(client: pg.ClientBase, userId: string): Promise<void> {
	await client.query(
		`INSERT INTO accounts (user_id, kind) VALUES ($1, 'TRADER_CASH'), ($1, 'TRADER_RESERVED')
		 ON CONFLICT (user_id, kind) DO NOTHING`,
		[userId]
	);
}

/**
 * One journal between a trader's available cash and the outside world (the EXTERNAL account):
 * `cashCents` to the trader, its opposite to EXTERNAL. Returns the journal's id.
 */
async function postExternal(
	client: pg.ClientBase,
	userId: string,
	kind: 'DEPOSIT' | 'WITHDRAWAL',
	cashCents: bigint,
	memo: string
): Promise<bigint> {
	const { rows } = await client.query<{ journal_id: string }>(
		`WITH journal AS (SELECT nextval('ledger_journal_seq') AS id),
		      legs AS (
		          SELECT a.id AS account_id, CASE a.kind WHEN 'EXTERNAL' THEN -$2::bigint ELSE $2::bigint END AS amount
		            FROM accounts a
		           WHERE (a.kind = 'TRADER_CASH' AND a.user_id = $1) OR (a.kind = 'EXTERNAL' AND a.user_id IS NULL)),
		      posted AS (
		          INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, memo)
		          SELECT journal.id, legs.account_id, $4::"LedgerKind", legs.amount, $3 FROM journal, legs
		          RETURNING journal_id, account_id, amount_cents),
		      applied AS (
		          UPDATE accounts SET balance_cents = balance_cents + posted.amount_cents
		            FROM posted WHERE accounts.id = posted.account_id RETURNING posted.journal_id)
		 SELECT journal_id::text FROM applied`,
		[userId, cashCents.toString(), memo, kind]
	);
	if (rows.length !== 2) throw new Error(`Trader ${userId} has no cash account`);
	return BigInt(rows[0]!.journal_id);
}

/** Moves money from outside (the EXTERNAL account) into a trader's available cash. */
export async function deposit(
	client: pg.ClientBase,
	userId: string,
	amountCents: bigint,
	memo: string
): Promise<bigint> {
	if (amountCents <= 0n) throw new RangeError('A deposit must be a positive number of cents');
	return postExternal(client, userId, 'DEPOSIT', amountCents, memo);
}

/**
 * Moves money out of a trader's available cash to the EXTERNAL account. The caller holds the
 * account's row lock and has checked the cash is there; the balance check refuses it otherwise.
 */
export async function withdraw(
	client: pg.ClientBase,
	userId: string,
	amountCents: bigint,
	memo: string
): Promise<bigint> {
	if (amountCents <= 0n) throw new RangeError('A withdrawal must be a positive number of cents');
	return postExternal(client, userId, 'WITHDRAWAL', -amountCents, memo);
}
