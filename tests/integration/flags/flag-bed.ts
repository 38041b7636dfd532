// Shared setup for the flag tests: a database per file, the server's services with a started
// event hub and a flag service, and tRPC callers whose context carries that flag service.
import { afterAll, beforeAll } from 'vitest';
import { createSession, findActiveSession } from '../../../src/lib/server/auth/sessions';
import { createFlagService, type FlagService } from '../../../src/lib/server/flags';
import { createContext } from '../../../src/lib/server/trpc/context';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { SITE_ORIGIN, testServices, type TestServices } from '../../fixtures/services';

export interface FlagTestBed {
	db: TestDatabase;
	services: TestServices & { flags: FlagService };
}

export function flagTestBed(): FlagTestBed {
	const bed = {} as FlagTestBed;
	beforeAll(async () => {
		bed.db = await createTestDatabase();
		const services = testServices(bed.db);
		const flags = createFlagService({
			prisma: bed.db.prisma,
			events: services.events,
			defaultEngine: services.env.USE_RUST_ENGINE ? 'remote' : 'local'
		});
		bed.services = { ...services, flags };
		await services.events.start();
		await flags.start();
	});
	afterAll(async () => {
		bed.services?.flags.stop();
		await bed.services?.events.stop();
		await bed.db?.close();
	});
	return bed;
}

/** A tRPC caller as `user` whose context has the bed's flag service as `ctx.flags`. */
export async function flagsCallerFor(bed: FlagTestBed, user: { id: string }) {
	const { prisma } = bed.db;
	const { token } = await createSession(prisma, user.id, 1);
	const context = {
		...createContext({
			services: bed.services,
			session: await findActiveSession(prisma, token),
			origin: SITE_ORIGIN,
			allowedOrigins: [SITE_ORIGIN],
			clientAddress: '127.0.0.1'
		}),
		flags: bed.services.flags
	};
	return createCaller(context);
}
