// Active sessions kept in memory for a short while, so that a request does not cost a session
// query each time. A revocation travels as an outbox event to every process, which forgets the
// session at once and closes its sockets; the time limit only bounds changes made behind the API.
import type { EventHub, HubEvent } from '../events';
import type { PrismaClient } from '../db/generated/client';
import { closeSessionSockets } from '../ws/registry';
import { noteApiKeyUse } from './api-keys';
import { findActiveSession, hashToken, SESSIONS_TOPIC, type ActiveSession } from './sessions';

export interface SessionCacheOptions {
	/** How long a session read from the database is trusted without reading it again. */
	ttlMs?: number;
	maxEntries?: number;
}

export class SessionCache {
	readonly #prisma: PrismaClient;
	readonly #ttlMs: number;
	readonly #maxEntries: number;
	readonly #entries = new Map<string, { session: ActiveSession; readAt: number }>();
	/** When each recently revoked session was forgotten: a read begun before then is not kept. */
	readonly #forgottenAt = new Map<string, number>();
	#unsubscribe: (() => void) | null = null;

	constructor(
		prisma: PrismaClient,
		{ ttlMs = 30_000, maxEntries = 10_000 }: SessionCacheOptions = {}
	) {
		this.#prisma = prisma;
		this.#ttlMs = ttlMs;
		this.#maxEntries = maxEntries;
	}

	/** The active session a token names, or null; like findActiveSession, mostly from memory. */
	async find(token: string | undefined): Promise<ActiveSession | null> {
		if (!token || token.length > 128) return null;
		const id = hashToken(token);
		const now = Date.now();
		const hit = this.#entries.get(id);
		if (hit && now - hit.readAt < this.#ttlMs && hit.session.expiresAt.getTime() > now) {
			return hit.session;
		}
		this.#entries.delete(id);
		const startedAt = now;
		const session = await findActiveSession(this.#prisma, token);
		// Read at most once a TTL while in use, so a key's last use is noted about as often.
		if (session?.kind === 'API_KEY') {
			noteApiKeyUse(this.#prisma, session.id).catch((error: unknown) =>
				console.warn(`could not note the use of an API key: ${String(error)}`)
			);
		}
		// A revocation heard while the read was under way wins over what the read saw.
		if (session && (this.#forgottenAt.get(id) ?? -Infinity) < startedAt) {
			if (this.#entries.size >= this.#maxEntries) {
				this.#entries.delete(this.#entries.keys().next().value!);
			}
			this.#entries.set(id, { session, readAt: startedAt });
		}
		return session;
	}

	/** Drops revoked sessions and closes their sockets in this process. */
	forget(sessionIds: readonly string[]): void {
		const now = Date.now();
		for (const id of sessionIds) {
			this.#entries.delete(id);
			this.#forgottenAt.delete(id);
			this.#forgottenAt.set(id, now);
			closeSessionSockets(id);
		}
		for (const [id, at] of this.#forgottenAt) {
			if (now - at <= this.#ttlMs) break;
			this.#forgottenAt.delete(id);
		}
	}

	/** Hears revocations made by any process through the event hub. */
	listenTo(hub: EventHub): void {
		this.#unsubscribe ??= hub.subscribe(SESSIONS_TOPIC, (event: HubEvent) => {
			const ids = (event.payload as { sessionIds?: unknown } | null)?.sessionIds;
			if (Array.isArray(ids)) this.forget(ids.filter((id) => typeof id === 'string'));
		});
	}

	stop(): void {
		this.#unsubscribe?.();
		this.#unsubscribe = null;
	}
}
