// The account audit: one append-only row for each change to who may act as a user (an API key
// made or revoked, every session ended) and for each admin's credit or debit of a trader's cash,
// written in the transaction of the change it records.
import type pg from 'pg';
import { z } from 'zod';
import {
	type AccountActivityFields,
	type AccountAuditAction,
	type AuditedApiKey,
	type CashAdjustment,
	type EndedSessions
} from '$lib/shared/account-activity';
import { ApiKeyAccess } from '$lib/shared/api-keys';
import type { Prisma, PrismaClient } from '../db/generated/client';

/** Who made a change to an account, and the client address it came from (null when unknown). */
export interface AccountActor {
	id: string;
	clientAddress: string | null;
}

/** A change to record, with what it changed. */
export type AccountChange =
	| { action: 'API_KEY_CREATED' | 'API_KEY_REVOKED'; key: AuditedApiKey }
	| { action: 'SESSIONS_REVOKED'; sessions: EndedSessions }
	| { action: 'CASH_ADJUSTED'; cash: CashAdjustment };

/** The detail column as written: JSON, so the expiry is an ISO string. */
const KeyDetail = z
	.object({
		keyId: z.string(),
		label: z.string(),
		access: ApiKeyAccess,
		hint: z.string(),
		expiresAt: z.iso.datetime().transform((at) => new Date(at))
	})
	.transform(({ keyId, ...key }): AuditedApiKey => ({ id: keyId, ...key }));
const SessionsDetail = z.object({
	revoked: z.number().int().nonnegative(),
	apiKeys: z.number().int().nonnegative()
});
const CashDetail = z.object({
	amountCents: z.number().int(),
	journalId: z.string(),
	reason: z.string()
});

function detailOf(change: AccountChange): Prisma.InputJsonObject {
	if (change.action === 'SESSIONS_REVOKED') return { ...change.sessions };
	if (change.action === 'CASH_ADJUSTED') return { ...change.cash };
	const { id, label, access, hint, expiresAt } = change.key;
	return { keyId: id, label, access, hint, expiresAt: expiresAt.toISOString() };
}

/** Records a change to the user's account; call it inside the transaction that makes it. */
export async function recordAccountChange(
	tx: Prisma.TransactionClient,
	userId: string,
	by: AccountActor,
	change: AccountChange
): Promise<void> {
	await tx.accountAudit.create({
		data: {
			userId,
			actorId: by.id,
			action: change.action,
			detail: detailOf(change),
			clientAddress: by.clientAddress
		}
	});
}

/** The same, for a transaction on a pg client (the ledger's). */
export async function recordAccountChangeSql(
	client: pg.ClientBase,
	userId: string,
	by: AccountActor,
	change: AccountChange
): Promise<void> {
	await client.query(
		`INSERT INTO account_audit (user_id, actor_id, action, detail, client_address)
		 VALUES ($1, $2, $3, $4::jsonb, $5)`,
		[userId, by.id, change.action, JSON.stringify(detailOf(change)), by.clientAddress]
	);
}

export interface AccountAuditEntry extends AccountActivityFields {
	actor: { id: string; email: string };
	clientAddress: string | null;
}

export interface AccountAuditPage {
	/** Newest first. */
	items: AccountAuditEntry[];
	/** Pass as `cursor` for the next (older) page; null on the last page. */
	nextCursor: string | null;
}

/**
 * The user's entries, newest first: `limit` of them, older than the entry `cursor` names, of the
 * `actions` given (every action unless told).
 */
export async function readAccountAudit(
	prisma: PrismaClient,
	userId: string,
	{
		cursor,
		limit,
		actions
	}: { cursor?: string; limit: number; actions?: readonly AccountAuditAction[] }
): Promise<AccountAuditPage> {
	const rows = await prisma.accountAudit.findMany({
		where: {
			userId,
			...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }),
			...(actions === undefined ? {} : { action: { in: [...actions] } })
		},
		orderBy: { id: 'desc' },
		take: limit + 1,
		select: {
			id: true,
			action: true,
			detail: true,
			clientAddress: true,
			createdAt: true,
			actor: { select: { id: true, email: true } }
		}
	});
	const page = rows.slice(0, limit);
	return {
		items: page.map((row) => {
			const isKey = row.action === 'API_KEY_CREATED' || row.action === 'API_KEY_REVOKED';
			return {
				id: row.id.toString(),
				action: row.action,
				createdAt: row.createdAt,
				key: isKey ? KeyDetail.parse(row.detail) : null,
				sessions: row.action === 'SESSIONS_REVOKED' ? SessionsDetail.parse(row.detail) : null,
				cash: row.action === 'CASH_ADJUSTED' ? CashDetail.parse(row.detail) : null,
				actor: row.actor,
				clientAddress: row.clientAddress
			};
		}),
		nextCursor: rows.length > limit ? page.at(-1)!.id.toString() : null
	};
}
