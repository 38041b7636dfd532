// Reads and writes the engine flags. Every change writes its audit row and a `flags` outbox
// event (with a NOTIFY) in the same transaction as the flag itself, so none lands without the others.
import type { EngineName } from '$lib/shared/orders';
import { Prisma, type EngineFlag, type PrismaClient } from '../db/generated/client';
import { EVENTS_CHANNEL } from '../events';
import {
	FlagReason,
	FlagState,
	GLOBAL_SCOPE_KEY,
	flagState,
	marketScopeKey,
	userScopeKey,
	type FlagAction,
	type FlagScope,
	type FlagView
} from './flag';

/** The outbox topic every flag change is published on; each process's cache subscribes to it. */
export const FLAGS_TOPIC = 'flags';

export type FlagErrorCode = 'USER_NOT_FOUND' | 'MARKET_NOT_FOUND';
export type FlagResult<T> =
	{ ok: true; value: T } | { ok: false; code: FlagErrorCode; message: string };

/**
 * What a write did. Setting a flag to the value it already has, or removing one that is not
 * there, changes nothing: no row, no audit entry, no event, and `changed: false`. The audit is a
 * history of routing changes; a double-click or a retried request must not add a second
 * "change" that changed nothing, nor fail the retry.
 */
export interface FlagChange {
	changed: boolean;
	/** The flag after the call (null when there is none). */
	flag: FlagView | null;
	/** The audit row written, as a decimal string (null when nothing changed). */
	auditId: string | null;
}

export interface FlagListItem extends FlagView {
	/** The user's email or the market's title (null for the global flag or a vanished target). */
	target: string | null;
}

export interface AuditEntry {
	id: string;
	scopeKey: string;
	action: string;
	actor: { id: string; email: string | null };
	before: FlagState | null;
	after: FlagState | null;
	reason: string;
	createdAt: Date;
}

export interface AuditPage {
	entries: AuditEntry[];
	/** Pass as `cursor` for the next (older) page; null on the last page. */
	nextCursor: string | null;
}

export interface AuditQuery {
	/** Entries older than this id. */
	cursor?: string;
	limit: number;
	scopeKey?: string;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** The flag a write wants, or null for "no flag". */
interface WantedFlag {
	scope: FlagScope;
	userId: string | null;
	marketId: string | null;
	engine: EngineName;
	rolloutPercent: number;
}

type Target = { kind: 'user'; id: string } | { kind: 'market'; id: string } | { kind: 'global' };

export function createFlagStore(prisma: PrismaClient) {
	return {
		/** Every flag, with who set it: what each process's cache holds. */
		async readAll(): Promise<FlagView[]> {
			return viewsOf(prisma, await prisma.engineFlag.findMany({ orderBy: { id: 'asc' } }));
		},

		/** Every flag with a label for its target, global first, then markets, then users. */
		async list(): Promise<FlagListItem[]> {
			const rows = await prisma.engineFlag.findMany({ orderBy: [{ scope: 'asc' }, { id: 'asc' }] });
			const views = await viewsOf(prisma, rows);
			const userIds = views.flatMap((flag) => (flag.userId ? [flag.userId] : []));
			const marketIds = views.flatMap((flag) => (flag.marketId ? [flag.marketId] : []));
			const [users, markets] = await Promise.all([
				prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }),
				prisma.market.findMany({
					where: { id: { in: marketIds } },
					select: { id: true, title: true }
				})
			]);
			const labels = new Map([
				...users.map((user) => [user.id, user.email] as const),
				...markets.map((market) => [market.id, market.title] as const)
			]);
			const order: Record<FlagScope, number> = { GLOBAL: 0, MARKET: 1, USER: 2 };
			return views
				.map((flag) => ({
					...flag,
					target: labels.get(flag.userId ?? flag.marketId ?? '') ?? null
				}))
				.sort((a, b) => order[a.scope] - order[b.scope]);
		},

		setUser(actorId: string, input: { userId: string; engine: EngineName; reason: string }) {
			return change(
				prisma,
				actorId,
				input.reason,
				{ kind: 'user', id: input.userId },
				{
					scope: 'USER',
					userId: input.userId,
					marketId: null,
					engine: input.engine,
					rolloutPercent: 100
				}
			);
		},

		setMarket(actorId: string, input: { marketId: string; engine: EngineName; reason: string }) {
			return change(
				prisma,
				actorId,
				input.reason,
				{ kind: 'market', id: input.marketId },
				{
					scope: 'MARKET',
					userId: null,
					marketId: input.marketId,
					engine: input.engine,
					rolloutPercent: 100
				}
			);
		},

		/** The share of users the remote engine serves where no user or market flag decides. */
		setGlobal(actorId: string, input: { percent: number; reason: string }) {
			return change(
				prisma,
				actorId,
				input.reason,
				{ kind: 'global' },
				{
					scope: 'GLOBAL',
					userId: null,
					marketId: null,
					engine: 'remote',
					rolloutPercent: input.percent
				}
			);
		},

		/**
		 * Removes a user's or a market's flag, so the next rule down decides for them, or the
		 * global one, so the environment's default (USE_RUST_ENGINE) serves everyone without a flag.
		 */
		remove(
			actorId: string,
			input:
				| { scope: 'GLOBAL'; reason: string }
				| { scope: 'USER' | 'MARKET'; id: string; reason: string }
		) {
			const target: Target =
				input.scope === 'GLOBAL'
					? { kind: 'global' }
					: input.scope === 'USER'
						? { kind: 'user', id: input.id }
						: { kind: 'market', id: input.id };
			return change(prisma, actorId, input.reason, target, null);
		},

		/** The audit, newest first. */
		async audit({ cursor, limit, scopeKey }: AuditQuery): Promise<AuditPage> {
			const rows = await prisma.flagAudit.findMany({
				where: { scopeKey, ...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }) },
				orderBy: { id: 'desc' },
				take: limit + 1
			});
			const page = rows.slice(0, limit);
			const emails = await emailsOf(
				prisma,
				page.map((row) => row.actorId)
			);
			return {
				entries: page.map((row) => ({
					id: row.id.toString(),
					scopeKey: row.scopeKey,
					action: row.action,
					actor: { id: row.actorId, email: emails.get(row.actorId) ?? null },
					before: FlagState.nullable().parse(row.before),
					after: FlagState.nullable().parse(row.after),
					reason: row.reason,
					createdAt: row.createdAt
				})),
				nextCursor: rows.length > limit ? page.at(-1)!.id.toString() : null
			};
		}
	};
}

export type FlagStore = ReturnType<typeof createFlagStore>;

function scopeKeyOf(target: Target): string {
	if (target.kind === 'user') return userScopeKey(target.id);
	if (target.kind === 'market') return marketScopeKey(target.id);
	return GLOBAL_SCOPE_KEY;
}

async function change(
	prisma: PrismaClient,
	actorId: string,
	rawReason: string,
	target: Target,
	wanted: WantedFlag | null
): Promise<FlagResult<FlagChange>> {
	// The API checks the reason already; this keeps other callers to the same rule.
	const reason = FlagReason.parse(rawReason);
	const scopeKey = scopeKeyOf(target);
	return prisma.$transaction(async (tx) => {
		// Two changes to one scope queue up, so each audit row's `before` is what it replaced.
		await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`engine_flags:${scopeKey}`}, 0))`;
		const current = await tx.engineFlag.findUnique({ where: { scopeKey } });
		// A flag whose user or market has gone can still be removed; nothing else can name one.
		if (!(current && wanted === null)) {
			const missing = await missingTarget(tx, target);
			if (missing) return missing;
		}
		if (sameFlag(current, wanted)) {
			const [flag] = current ? await viewsOf(tx, [current]) : [];
			return { ok: true, value: { changed: false, flag: flag ?? null, auditId: null } };
		}

		let after: FlagView | null = null;
		if (wanted) {
			const { engine, rolloutPercent } = wanted;
			const row = await tx.engineFlag.upsert({
				where: { scopeKey },
				create: { scopeKey, ...wanted, updatedById: actorId },
				update: { engine, rolloutPercent, updatedById: actorId }
			});
			after = (await viewsOf(tx, [row]))[0] ?? null;
		} else {
			await tx.engineFlag.delete({ where: { scopeKey } });
		}
		const before = current ? stateOfRow(current) : null;
		const action: FlagAction = !current ? 'create' : wanted ? 'update' : 'remove';
		const audit = await tx.flagAudit.create({
			data: {
				scopeKey,
				action,
				actorId,
				before: before ?? Prisma.DbNull,
				after: after ? flagState(after) : Prisma.DbNull,
				reason
			},
			select: { id: true }
		});
		const auditId = audit.id.toString();
		const payload = JSON.stringify({ scopeKey, action, auditId });
		await tx.$executeRaw`
			WITH inserted AS (
			  INSERT INTO events (topic, kind, payload)
			  VALUES (${FLAGS_TOPIC}, ${`flag.${action}`}, ${payload}::json)
			  RETURNING id)
			SELECT pg_notify(${EVENTS_CHANNEL}, id::text) FROM inserted`;
		return { ok: true, value: { changed: true, flag: after ?? null, auditId } };
	}, changeTransaction);
}

// Changes to one flag queue on its lock (and on PGlite every transaction queues): wait longer for
// a turn than Prisma's 2 s default before giving up on an admin's change.
const changeTransaction = { maxWait: 10_000, timeout: 10_000 };

function sameFlag(current: EngineFlag | null, wanted: WantedFlag | null): boolean {
	if (current === null || wanted === null) return current === wanted;
	return current.engine === wanted.engine && current.rolloutPercent === wanted.rolloutPercent;
}

async function missingTarget(
	db: Db,
	target: Target
): Promise<{ ok: false; code: FlagErrorCode; message: string } | null> {
	if (target.kind === 'user') {
		const user = await db.user.findUnique({ where: { id: target.id }, select: { id: true } });
		return user ? null : { ok: false, code: 'USER_NOT_FOUND', message: `No user ${target.id}` };
	}
	if (target.kind === 'market') {
		const market = await db.market.findUnique({ where: { id: target.id }, select: { id: true } });
		return market
			? null
			: { ok: false, code: 'MARKET_NOT_FOUND', message: `No market ${target.id}` };
	}
	return null;
}

function stateOfRow(row: EngineFlag): FlagState {
	return {
		scope: row.scope,
		scopeKey: row.scopeKey,
		userId: row.userId,
		marketId: row.marketId,
		engine: row.engine,
		rolloutPercent: row.rolloutPercent,
		updatedById: row.updatedById,
		updatedAt: row.updatedAt.toISOString()
	};
}

async function emailsOf(db: Db, userIds: string[]): Promise<Map<string, string>> {
	if (userIds.length === 0) return new Map();
	const users = await db.user.findMany({
		where: { id: { in: [...new Set(userIds)] } },
		select: { id: true, email: true }
	});
	return new Map(users.map((user) => [user.id, user.email]));
}

async function viewsOf(db: Db, rows: EngineFlag[]): Promise<FlagView[]> {
	const emails = await emailsOf(
		db,
		rows.map((row) => row.updatedById)
	);
	return rows.map((row) => ({
		scope: row.scope,
		scopeKey: row.scopeKey,
		userId: row.userId,
		marketId: row.marketId,
		engine: row.engine,
		rolloutPercent: row.rolloutPercent,
		updatedBy: { id: row.updatedById, email: emails.get(row.updatedById) ?? null },
		updatedAt: row.updatedAt
	}));
}
