// tRPC's own overhead: the same limit orders placed by 64 clients through the HTTP API (real
// @trpc/client with httpBatchLink, session cookie, the app router and context, a session lookup
// per request as in hooks.server.ts) and directly on LocalEngine; the ratio is what the API
// path keeps of the engine's throughput. The HTTP clients run in a second process, as real
// clients would, so that they do not share the server's CPU. The HTTP server is tRPC's
// standalone adapter, not the SvelteKit build, so SvelteKit's own request handling is not in
// these figures.
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { LocalEngine } from '../../src/lib/engine/local';
import { createSession } from '../../src/lib/server/auth/sessions';
import { checkInvariants } from '../../src/lib/server/db/invariants';
import { createContext } from '../../src/lib/server/trpc/context';
import { appRouter } from '../../src/lib/server/trpc/root';
import { sessionTokenOf } from '../../src/lib/server/ws/endpoint';
import { defaultLoginLimits } from '../../src/lib/server/auth/login';
import type { TestDatabase } from '../fixtures/database';
import { testServices } from '../fixtures/services';
import {
	createBenchDatabase,
	limitOrderFlow,
	runClosedLoop,
	type LoadFigures
} from './bench-database';
import type { ApiClientsSetup } from './api-clients';

const BOOKS = 20;
const CLIENTS = 64;
const ORDERS = 8_000;

export interface ApiResult {
	direct: LoadFigures;
	api: LoadFigures;
	/** api ÷ direct orders/s. */
	ratio: number;
	invariantsHold: boolean;
	node: string;
	date: string;
}

export async function runApiBench(): Promise<ApiResult> {
	const bench = await createBenchDatabase(BOOKS, CLIENTS);
	const services = testServices(
		{ ...bench.db, kind: 'postgres' } as TestDatabase,
		defaultLoginLimits,
		{
			points: 1_000_000_000,
			durationSeconds: 1
		}
	);
	services.logEngineCall = () => undefined;
	let origin = '';
	const server = createHTTPServer({
		router: appRouter,
		basePath: '/trpc/',
		createContext: async ({ req }) =>
			createContext({
				services,
				session: await services.sessions.find(sessionTokenOf(req)),
				origin: req.headers.origin ?? null,
				allowedOrigins: [origin],
				clientAddress: req.socket.remoteAddress ?? ''
			})
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	try {
		const direct = new LocalEngine(bench.db.pool);
		const directFigures = await runClosedLoop(
			limitOrderFlow(bench.books, ORDERS, 1),
			CLIENTS,
			async (client, input) => {
				const result = await direct.place(bench.traders[client]!, input);
				if (!result.ok) throw new Error(result.message);
			}
		);
		const tokens = await Promise.all(
			bench.traders.map(async (userId) => (await createSession(bench.db.prisma, userId, 1)).token)
		);
		const apiFigures = await inClientProcess({
			origin,
			tokens,
			books: bench.books,
			orders: ORDERS,
			seed: 2
		});
		const invariants = await checkInvariants(bench.db.pool);
		return {
			direct: directFigures,
			api: apiFigures,
			ratio: Number((apiFigures.ordersPerSec / directFigures.ordersPerSec).toFixed(2)),
			invariantsHold: invariants.every((i) => i.ok),
			node: process.version,
			date: new Date().toISOString()
		};
	} finally {
		await new Promise((resolve) => server.close(resolve));
		(services.engine as LocalEngine).stop();
		await bench.close();
	}
}

/** Runs the HTTP clients in a child process and waits for their figures. */
function inClientProcess(setup: ApiClientsSetup): Promise<LoadFigures> {
	const child = fork(fileURLToPath(new URL('./api-clients.ts', import.meta.url)), [], {
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	return new Promise((resolve, reject) => {
		child.once('message', (figures) => resolve(figures as LoadFigures));
		child.once('exit', (code) => reject(new Error(`the API bench clients exited (${code})`)));
		child.send(setup);
	});
}

export function apiRows(result: ApiResult) {
	const row = (path: string, f: LoadFigures) => ({
		path,
		clients: f.clients,
		orders: f.orders,
		'orders/s': f.ordersPerSec,
		'p50 ms': f.p50Ms,
		'p99 ms': f.p99Ms
	});
	return [
		row('LocalEngine directly', result.direct),
		row('tRPC HTTP (httpBatchLink)', result.api),
		{
			path: `ratio ${result.ratio}`,
			clients: '',
			orders: '',
			'orders/s': '',
			'p50 ms': result.invariantsHold ? 'invariants hold' : 'INVARIANTS BROKEN',
			'p99 ms': ''
		}
	];
}
