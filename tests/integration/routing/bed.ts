// Shared setup for the routing tests: a database of the file's own with a real engine service
// process on it, app services whose engine router reaches that service (directly or through a
// fault proxy), and the exchange's invariants checked after every test.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { BreakerSettings } from '../../../src/lib/engine/breaker';
import { marketOfOptionIn, RemoteEngine } from '../../../src/lib/engine/remote';
import { defaultLoginLimits } from '../../../src/lib/server/auth/login';
import { assertInvariants } from '../../../src/lib/server/db/invariants';
import type { EngineResolver } from '../../../src/lib/server/flags/choice';
import { createContext } from '../../../src/lib/server/trpc/context';
import { createCallerFactory } from '../../../src/lib/server/trpc/init';
import { enginesRouter } from '../../../src/lib/server/trpc/routers/admin/engines/_router';
import { createSession, findActiveSession } from '../../../src/lib/server/auth/sessions';
import type { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { startEngineService, type EngineServiceProcess } from '../../fixtures/engine-service';
import { aMarket } from '../../fixtures/markets';
import {
	aTrader,
	callerFor,
	SITE_ORIGIN,
	testServices,
	type TestServices
} from '../../fixtures/services';

/** Generous: calls that pass must never time out on a busy machine. */
export const PATIENT_TIMEOUT_MS = 15_000;

export interface RoutingBed {
	db: TestDatabase;
	service: EngineServiceProcess;
	token: string;
	/** Every services made with `servicesFor`, closed after the file. */
	made: { services: TestServices; remote: RemoteEngine }[];
}

export function routingBed(): RoutingBed {
	const bed = { made: [] } as unknown as RoutingBed;
	beforeAll(async () => {
		bed.db = await createTestDatabase();
		bed.token = randomBytes(24).toString('base64url');
		bed.service = await startEngineService({ databaseUrl: bed.db.url, token: bed.token });
	});
	afterEach(async () => {
		await assertInvariants(bed.db.pool);
	});
	afterAll(async () => {
		for (const { services, remote } of bed.made) {
			services.engines.close();
			remote.close();
		}
		await bed.service?.stop();
		await bed.db?.close();
	});
	return bed;
}

/** App services whose remote engine is at `baseUrl` (the service's own by default). */
export function servicesFor(
	bed: RoutingBed,
	{
		baseUrl = bed.service.baseUrl,
		timeoutMs = PATIENT_TIMEOUT_MS,
		breaker,
		resolver
	}: {
		baseUrl?: string;
		timeoutMs?: number;
		breaker?: Partial<BreakerSettings>;
		resolver?: EngineResolver;
	} = {}
): TestServices {
	const remote = new RemoteEngine({
		baseUrl,
		token: bed.token,
		timeoutMs,
		marketOfOption: marketOfOptionIn(bed.db.pool)
	});
	const services = testServices(
		bed.db,
		defaultLoginLimits,
		{ points: 1_000_000, durationSeconds: 1 },
		{ remote, breaker, resolver }
	);
	bed.made.push({ services, remote });
	return services;
}

/** A resolver that sends every call to one engine: for tests about what happens after the choice. */
export const always = (engine: 'local' | 'remote'): EngineResolver => ({
	resolve: async () => ({ engine, rule: 'DEFAULT', explanation: `always ${engine}` })
});

/** A funded trader and their tRPC caller on `services`. */
export async function aTraderOn(bed: RoutingBed, services: TestServices, cashCents = 100_000n) {
	const user = await aTrader(bed.db, { cashCents });
	return { user, api: await callerFor(services, user) };
}

export type Market = Awaited<ReturnType<typeof aMarket>>;

/** A limit order on the market's first option, GTC, with a clientOrderId when given. */
export function limit(
	market: Market,
	side: 'BUY' | 'SELL',
	quantity: number,
	priceCents: number,
	extra: Partial<PlaceOrderInput> = {}
): PlaceOrderInput {
	return {
		marketId: market.id,
		optionId: market.optionIds[0]!,
		side,
		type: 'LIMIT',
		priceCents,
		quantity,
		postOnly: false,
		...extra
	};
}

/** A caller of admin.engines as `user`, as the admin router will mount it. */
export async function enginesCallerFor(services: TestServices, user: { id: string }) {
	const { token } = await createSession(services.db.prisma, user.id, 1);
	const session = await findActiveSession(services.db.prisma, token);
	return createCallerFactory(enginesRouter)(
		createContext({
			services,
			session,
			origin: SITE_ORIGIN,
			allowedOrigins: [SITE_ORIGIN],
			clientAddress: '127.0.0.1'
		})
	);
}

/** How many orders the user has under `clientOrderId` (exactly once means 1). */
export async function ordersUnder(db: TestDatabase, userId: string, clientOrderId: string) {
	const { rows } = await db.pool.query<{ id: string; filled: number; engine: string }>(
		`SELECT id::text, filled_quantity AS filled, engine FROM orders
		  WHERE user_id = $1 AND client_order_id = $2`,
		[userId, clientOrderId]
	);
	return rows;
}

/** The quantity traded by `orderId` across all its trades. */
export async function tradedQuantity(db: TestDatabase, orderId: string): Promise<number> {
	const { rows } = await db.pool.query<{ total: number }>(
		`SELECT coalesce(sum(quantity), 0)::int AS total FROM trades
		  WHERE maker_order_id = $1::bigint OR taker_order_id = $1::bigint`,
		[orderId]
	);
	return rows[0]!.total;
}

export { aMarket };
