// API keys: what a trading program signs in with. A key is a session of kind API_KEY (see
// sessions.ts), so the session cache, revocation and the closing of its sockets serve keys as
// they serve browsers. The key itself is shown once, when it is made; the database keeps only
// its SHA-256 and a hint of its first and last characters. Making or revoking one is recorded
// in the account audit (account-audit.ts) in the same transaction.
import { randomBytes } from 'node:crypto';
import type { ApiKeyAccess } from '$lib/shared/api-keys';
import type { PrismaClient } from '../db/generated/client';
import { recordAccountChange, type AccountActor } from './account-audit';
import { hashToken, revocationAnnouncement } from './sessions';

/** What every key starts with, so that a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'bwk_';
/** Live keys one user may hold at once. */
export const MAX_LIVE_API_KEYS = 10;

export interface ApiKeyRow {
	id: string;
	label: string;
	access: ApiKeyAccess;
	hint: string;
	createdAt: Date;
	expiresAt: Date;
	lastUsedAt: Date | null;
}

export type CreateApiKeyResult =
	{ ok: true; key: ApiKeyRow; secret: string } | { ok: false; code: 'API_KEY_LIMIT' };

const hintOf = (secret: string) =>
	`${secret.slice(0, API_KEY_PREFIX.length + 4)}…${secret.slice(-4)}`;

const liveKeysOf = (userId: string) => ({
	userId,
	kind: 'API_KEY' as const,
	revokedAt: null,
	expiresAt: { gt: new Date() }
});

const keyColumns = {
	id: true,
	label: true,
	access: true,
	keyHint: true,
	createdAt: true,
	expiresAt: true,
	lastUsedAt: true
} as const;

function toRow(row: {
	id: string;
	label: string | null;
	access: ApiKeyAccess | null;
	keyHint: string | null;
	createdAt: Date;
	expiresAt: Date;
	lastUsedAt: Date | null;
}): ApiKeyRow {
	return {
		id: row.id,
		label: row.label!,
		access: row.access!,
		hint: row.keyHint!,
		createdAt: row.createdAt,
		expiresAt: row.expiresAt,
		lastUsedAt: row.lastUsedAt
	};
}

/**
 * Makes a key for the user, unless they already hold MAX_LIVE_API_KEYS live ones, and records
 * it in the account audit as made `by` that actor.
 */
export async function createApiKey(
	prisma: PrismaClient,
	userId: string,
	input: { label: string; access: ApiKeyAccess; expiresInDays: number },
	by: AccountActor
): Promise<CreateApiKeyResult> {
	const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
	return prisma.$transaction(async (tx) => {
		// One key made at a time per user, so two at once cannot both pass the count.
		await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
		if ((await tx.session.count({ where: liveKeysOf(userId) })) >= MAX_LIVE_API_KEYS) {
			return { ok: false, code: 'API_KEY_LIMIT' } as const;
		}
		const row = await tx.session.create({
			data: {
				id: hashToken(secret),
				userId,
				kind: 'API_KEY',
				label: input.label,
				access: input.access,
				keyHint: hintOf(secret),
				expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000)
			},
			select: keyColumns
		});
		const key = toRow(row);
		await recordAccountChange(tx, userId, by, { action: 'API_KEY_CREATED', key });
		return { ok: true, key, secret } as const;
	});
}

/** The user's live keys, newest first. */
export async function listApiKeys(prisma: PrismaClient, userId: string): Promise<ApiKeyRow[]> {
	const rows = await prisma.session.findMany({
		where: liveKeysOf(userId),
		select: keyColumns,
		orderBy: [{ createdAt: 'desc' }, { id: 'asc' }]
	});
	return rows.map(toRow);
}

/**
 * Revokes one of the user's live API keys and records it in the account audit as revoked `by`
 * that actor; false (and no audit entry) when they have no such key.
 */
export async function revokeApiKey(
	prisma: PrismaClient,
	userId: string,
	keyId: string,
	by: AccountActor
): Promise<boolean> {
	return prisma.$transaction(async (tx) => {
		// The one statement that finds the key live also revokes it, so of two revokes at once
		// only one changes it and is recorded; the other finds no live key.
		const [row] = await tx.session.updateManyAndReturn({
			where: { id: keyId, ...liveKeysOf(userId) },
			data: { revokedAt: new Date() },
			select: keyColumns
		});
		if (!row) return false;
		await revocationAnnouncement(tx, [row.id]);
		await recordAccountChange(tx, userId, by, { action: 'API_KEY_REVOKED', key: toRow(row) });
		return true;
	});
}

/** How stale a key's lastUsedAt may get: a key in use writes it at most this often. */
const LAST_USED_STEP_MS = 60_000;

/** Notes that the key was just used, unless that was noted within the last minute. */
export async function noteApiKeyUse(prisma: PrismaClient, keyId: string): Promise<void> {
	const now = new Date();
	await prisma.session.updateMany({
		where: {
			id: keyId,
			kind: 'API_KEY',
			OR: [
				{ lastUsedAt: null },
				{ lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_STEP_MS) } }
			]
		},
		data: { lastUsedAt: now }
	});
}
