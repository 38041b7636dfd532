// Cookie sessions: the browser holds a random token; the database holds only its SHA-256, so a
// leaked sessions table cannot be replayed. Sessions expire and can be revoked.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyAccess, Prisma, PrismaClient, Role, SessionKind } from '../db/generated/client';
import { EVENTS_CHANNEL } from '../events/hub';
import { recordAccountChange, type AccountActor } from './account-audit';

export const SESSION_COOKIE = 'betwise_session';

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	role: Role;
}

export interface ActiveSession {
	id: string;
	/** WEB: a browser's sign-in; API_KEY: a program's key, with its access. */
	kind: SessionKind;
	access: ApiKeyAccess | null;
	expiresAt: Date;
	user: SessionUser;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
	prisma: PrismaClient,
	userId: string,
	ttlHours: number,
	meta: { userAgent?: string | null; ipAddress?: string | null } = {}
): Promise<{ token: string; expiresAt: Date }> {
	const token = randomBytes(32).toString('base64url');
	const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
	await prisma.session.create({
		data: {
			id: hashToken(token),
			userId,
			expiresAt,
			userAgent: meta.userAgent?.slice(0, 512) ?? null,
			ipAddress: meta.ipAddress ?? null
		}
	});
	return { token, expiresAt };
}

/**
 * The session a token (a cookie's or an API key) names, if it exists, has not expired or been
 * revoked, and its user is enabled.
 */
export async function findActiveSession(
	prisma: PrismaClient,
	token: string | undefined
): Promise<ActiveSession | null> {
	if (!token || token.length > 128) return null;
	const row = await prisma.session.findUnique({
		where: { id: hashToken(token) },
		include: {
			user: { select: { id: true, email: true, displayName: true, role: true, disabledAt: true } }
		}
	});
	if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || row.user.disabledAt) {
		return null;
	}
	const { disabledAt: _disabledAt, ...user } = row.user;
	return { id: row.id, kind: row.kind, access: row.access, expiresAt: row.expiresAt, user };
}

/** Outbox topic on which revoked session ids travel to every app process (their caches, sockets). */
export const SESSIONS_TOPIC = 'sessions';

/**
 * The outbox event that tells every process these sessions are revoked (their caches, sockets):
 * sent with the revocation, in its transaction.
 */
export function revocationAnnouncement(
	db: PrismaClient | Prisma.TransactionClient,
	sessionIds: string[]
) {
	const payload = JSON.stringify({ sessionIds });
	return db.$executeRaw`
		WITH inserted AS (
		  INSERT INTO events (topic, kind, payload)
		  VALUES (${SESSIONS_TOPIC}, 'session.revoked', ${payload}::json)
		  RETURNING id)
		SELECT pg_notify(${EVENTS_CHANNEL}, id::text) FROM inserted`;
}

/** The revocation and its outbox event in one transaction, so every process hears of it. */
async function revokeAndAnnounce(prisma: PrismaClient, sessionIds: string[]): Promise<void> {
	if (sessionIds.length === 0) return;
	await prisma.$transaction([
		prisma.session.updateMany({
			where: { id: { in: sessionIds }, revokedAt: null },
			data: { revokedAt: new Date() }
		}),
		revocationAnnouncement(prisma, sessionIds)
	]);
}

export async function revokeSession(prisma: PrismaClient, sessionId: string): Promise<void> {
	await revokeAndAnnounce(prisma, [sessionId]);
}

/**
 * Revokes every live session of a user, API keys too, and records who did it in the account
 * audit, all in one transaction; returns their ids (to close their sockets). Expired ones are
 * left as they are: nothing signs in with them, their sockets closed when they expired, and
 * counting them would tell support it ended sessions that had already ended. A user with none
 * gets no audit entry: nothing changed.
 */
export async function revokeUserSessions(
	prisma: PrismaClient,
	userId: string,
	by: AccountActor
): Promise<string[]> {
	return prisma.$transaction(async (tx) => {
		const revoked = await tx.session.updateManyAndReturn({
			where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
			data: { revokedAt: new Date() },
			select: { id: true, kind: true }
		});
		if (revoked.length === 0) return [];
		const ids = revoked.map((session) => session.id);
		await revocationAnnouncement(tx, ids);
		await recordAccountChange(tx, userId, by, {
			action: 'SESSIONS_REVOKED',
			sessions: {
				revoked: ids.length,
				apiKeys: revoked.filter((session) => session.kind === 'API_KEY').length
			}
		});
		return ids;
	});
}
