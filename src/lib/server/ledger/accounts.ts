// Trader cash accounts and deposits, posted as balanced journals on the append-only ledger.
// Callers pass a client inside their own transaction, so a deposit is atomic with what caused it.
import type pg from 'pg';

/** Opens a trader's two accounts (available cash and cash reserved by resting orders), once. */
export async function openTraderAccounts(client: pg.ClientBase, userId: string): Promise<void> {
	await client.query(
		`INSERT INTO accounts (user_id, kind) VALUES ($1, 'TRADER_CASH'), ($1, 'TRADER_RESERVED')
		 ON CONFLICT (user_id, kind) DO NOTHING`,
		[userId]
	);
}

/** Moves money from outside (the EXTERNAL account) into a trader's available cash. */
export async function deposit(
	client: pg.ClientBase,
	userId: string,
	amountCents: bigint,
	memo: string
): Promise<bigint> {
	if (amountCents <= 0n) throw new RangeError('A deposit must be a positive number of cents');
	const { rows } = await client.query<{ journal_id: string }>(
		`WITH journal AS (SELECT nextval('ledger_journal_seq') AS id),
		      legs AS (
		          SELECT a.id AS account_id, CASE a.kind WHEN 'EXTERNAL' THEN -$2::bigint ELSE $2::bigint END AS amount
		            FROM accounts a
		           WHERE (a.kind = 'TRADER_CASH' AND a.user_id = $1) OR (a.kind = 'EXTERNAL' AND a.user_id IS NULL)),
		      posted AS (
		          INSERT INTO ledger_entries (journal_id, account_id, kind, amount_cents, memo)
		          SELECT journal.id, legs.account_id, 'DEPOSIT', legs.amount, $3 FROM journal, legs
		          RETURNING journal_id, account_id, amount_cents),
		      applied AS (
		          UPDATE accounts SET balance_cents = balance_cents + posted.amount_cents
		            FROM posted WHERE accounts.id = posted.account_id RETURNING posted.journal_id)
		 SELECT journal_id::text FROM applied`,
		[userId, amountCents.toString(), memo]
	);
	if (rows.length !== 2) throw new Error(`Trader ${userId} has no cash account to deposit into`);
	return BigInt(rows[0]!.journal_id);
}
