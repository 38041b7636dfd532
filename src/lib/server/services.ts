// The per-process services the server is built from, created once: configuration, the
// database and the login limiter. Requests and sockets get them through the tRPC context.
import { createLoginService, type LoginService } from './auth/login';
import { database } from './db/database';
import type { Database } from './db/connect';
import { env, type Env } from './env';

export interface Services {
	env: Env;
	db: Database;
	login: LoginService;
}

const key = Symbol.for('betwise.services');
type Holder = { [key]?: Promise<Services> };

async function build(): Promise<Services> {
	const config = env();
	const db = await database();
	return { env: config, db, login: createLoginService(db.prisma, config.SESSION_TTL_HOURS) };
}

export function services(): Promise<Services> {
	const holder = globalThis as Holder;
	holder[key] ??= build().catch((error: unknown) => {
		delete holder[key];
		throw error;
	});
	return holder[key];
}
