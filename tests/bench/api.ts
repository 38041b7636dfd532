// tRPC's own overhead: the same limit orders placed by 64 clients through the HTTP API (real
// @trpc/client with httpBatchLink, session cookie, the app router and context, a session lookup
// per request as in hooks.server.ts) and directly on LocalEngine; the ratio is what the API
// path keeps of the engine's throughput. The HTTP clients run in a second process, as real
// clients would (on this machine they still share its cores with the server), and send through
// a small HTTP/1.1 fetch over one keep-alive socket each (see api-clients.ts: a real client
// picks its own HTTP stack). The server is the node-level /trpc handler production puts in front of SvelteKit
// (src/lib/server/trpc/app-node-http.ts, adapter-node's rules); what it leaves to SvelteKit
// would get a 404 here, and none of the bench's calls does.
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { LocalEngine } from '../../src/lib/engine/local';
import type { PlaceOrderInput } from '../../src/lib/shared/orders';
import { createSession } from '../../src/lib/server/auth/sessions';
import { checkInvariants } from '../../src/lib/server/db/invariants';
import {
	adapterNodeFacts,
	createAppTrpcHttpHandler
} from '../../src/lib/server/trpc/app-node-http';
import { defaultLoginLimits } from '../../src/lib/server/auth/login';
import type { TestDatabase } from '../fixtures/database';
import { testServices } from '../fixtures/services';
import {
	commitColumns,
	commitFigures,
	cpuMeter,
	createBenchDatabase,
	limitOrderFlow,
	runClosedLoop,
	type CommitFigures,
	type CpuFigures,
	type LoadFigures
} from './bench-database';
import type { ApiClientsMessage, ApiClientsSetup } from './api-clients';
import type { CommitStats } from '../../src/lib/engine/local/committer';

const BOOKS = 20;
const CLIENTS = 64;
const ORDERS = 16_000;
/**
 * Orders each path places before it is timed, so that both are measured compiled: V8 spends the
 * first seconds of a run compiling the code on the path (far more of it on the HTTP path, in
 * both processes), on the same two cores.
 */
const WARMUP_ORDERS = 4_000;

/** A path's figures; on the API path the server's process and the clients' are apart. */
type PathFigures = LoadFigures & CommitFigures & CpuFigures & { clientUsPerOrder: number | null };

export interface ApiResult {
	direct: PathFigures;
	api: PathFigures;
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
	// The handler takes the process's services (services.ts) from here, as the app's do.
	const servicesKey = Symbol.for('betwise.services');
	(globalThis as Record<symbol, unknown>)[servicesKey] = Promise.resolve(services);
	// adapter-node without ORIGIN: the site's own origin is https://<Host>.
	const handleTrpc = createAppTrpcHttpHandler(adapterNodeFacts({}));
	const server = createServer((req, res) => {
		void handleTrpc(req, res, () => res.writeHead(404).end());
	});
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	try {
		const direct = new LocalEngine(bench.db.pool);
		const placeDirectly = async (client: number, input: PlaceOrderInput) => {
			const result = await direct.place(bench.traders[client]!, input);
			if (!result.ok) throw new Error(result.message);
		};
		await runClosedLoop(limitOrderFlow(bench.books, WARMUP_ORDERS, 11), CLIENTS, placeDirectly);
		const directBefore = direct.commitStats();
		const directCpu = cpuMeter();
		const directFigures = {
			...(await runClosedLoop(limitOrderFlow(bench.books, ORDERS, 1), CLIENTS, placeDirectly)),
			// The clients are in this process, so its CPU is theirs and the engine's together.
			...directCpu(ORDERS),
			clientUsPerOrder: null,
			...commitFigures(directBefore, direct.commitStats())
		};
		// The app's engine, behind the router: its commits from the warm-up on are left out below.
		const appEngine = services.engine as LocalEngine;
		const tokens = await Promise.all(
			bench.traders.map(async (userId) => (await createSession(bench.db.prisma, userId, 1)).token)
		);
		const api = await inClientProcess(
			{
				url: `http://${address}`,
				origin: `https://${address}`,
				tokens,
				books: bench.books,
				orders: ORDERS,
				warmupOrders: WARMUP_ORDERS,
				seed: 2
			},
			appEngine
		);
		const apiFigures = {
			...api.figures,
			...api.cpu,
			clientUsPerOrder: api.clientUsPerOrder,
			...commitFigures(api.timedFrom, appEngine.commitStats())
		};
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
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
		delete (globalThis as Record<symbol, unknown>)[servicesKey];
		(services.engine as LocalEngine).stop();
		await bench.close();
	}
}

/**
 * Runs the HTTP clients in a child process and waits for their figures. Between the warm-up and
 * the timed orders the child waits while the engine's commit counts are taken.
 */
function inClientProcess(
	setup: ApiClientsSetup,
	engine: LocalEngine
): Promise<{
	figures: LoadFigures;
	timedFrom: CommitStats;
	cpu: CpuFigures;
	clientUsPerOrder: number;
}> {
	const child = fork(fileURLToPath(new URL('./api-clients.ts', import.meta.url)), [], {
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	let timedFrom: CommitStats | undefined;
	let meter: ReturnType<typeof cpuMeter> | undefined;
	return new Promise((resolve, reject) => {
		child.on('message', (message: ApiClientsMessage) => {
			if (message.kind === 'warmedUp') {
				timedFrom = engine.commitStats();
				meter = cpuMeter();
				child.send({ kind: 'go' });
				return;
			}
			const { figures, cpuUs } = message;
			resolve({
				figures,
				timedFrom: timedFrom!,
				cpu: meter!(figures.orders),
				clientUsPerOrder: Math.round(cpuUs / figures.orders)
			});
		});
		child.once('exit', (code) => reject(new Error(`the API bench clients exited (${code})`)));
		child.send(setup);
	});
}

export function apiRows(result: ApiResult) {
	const row = (path: string, f: PathFigures) => ({
		path,
		clients: f.clients,
		orders: f.orders,
		'orders/s': f.ordersPerSec,
		'p50 ms': f.p50Ms,
		'p99 ms': f.p99Ms,
		...commitColumns(f),
		'CPU µs/order: server / clients / machine': [
			f.processUsPerOrder,
			f.clientUsPerOrder ?? 'same process',
			f.machineUsPerOrder ?? '?'
		].join(' / '),
		'machine busy %': f.machineBusyPercent ?? '?'
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
			'p99 ms': '',
			'orders/txn': '',
			'txn ms: read/match/write': '',
			'CPU µs/order: server / clients / machine': '',
			'machine busy %': ''
		}
	];
}
