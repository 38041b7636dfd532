// The two engines side by side through the engine router: orders/s and p50/p99 with 64 clients
// on the local engine and on the remote one (a real engine service process); the latency fallback
// adds when that process is killed mid-run, with lost and doubled orders counted afterwards; and
// how long a flag change takes to reach a second app process. Real Postgres (DATABASE_URL).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LocalEngine } from '../../src/lib/engine/local';
import { marketOfOptionIn, RemoteEngine } from '../../src/lib/engine/remote';
import { EngineRouter } from '../../src/lib/engine/router';
import { orderLookup } from '../../src/lib/engine/order-lookup';
import { connectDatabase } from '../../src/lib/server/db/connect';
import { checkInvariants } from '../../src/lib/server/db/invariants';
import { EventHub } from '../../src/lib/server/events';
import { createFlagService, type FlagService } from '../../src/lib/server/flags';
import { EngineMetrics } from '../../src/lib/server/metrics';
import type { PlaceOrderInput } from '../../src/lib/shared/orders';
import { startEngineService } from '../fixtures/engine-service';
import {
	createBenchDatabase,
	limitOrderFlow,
	runClosedLoop,
	type BenchDatabase,
	type LoadFigures
} from './bench-database';

const BOOKS = 20;
const CLIENTS = 64;
/** BENCH_ENGINE_ORDERS shortens the runs (a smoke run) or lengthens them. */
const ORDERS = Number(process.env.BENCH_ENGINE_ORDERS ?? 4_000);
const FLAG_CHANGES = 10;

export interface FallbackFigures extends RoutedFigures {
	/** p99 of the calls that fell back. */
	fallbackP99Ms: number;
	/** Orders whose clientOrderId has no order afterwards, or more than one. */
	lost: number;
	doubled: number;
}

/** Figures of a run, and how many of its calls fell back (a slow or failing engine shows here). */
export interface RoutedFigures extends LoadFigures {
	fallbacks: number;
}

export interface EnginesResult {
	local: RoutedFigures;
	remote: RoutedFigures;
	killed: FallbackFigures;
	/** Milliseconds from a flag change's commit to the second process seeing it: p50 and max. */
	flagPropagation: { changes: number; p50Ms: number; maxMs: number };
	invariantsHold: boolean;
	node: string;
	date: string;
}

export async function runEnginesBench(): Promise<EnginesResult> {
	const bench = await createBenchDatabase(BOOKS, CLIENTS);
	const token = randomBytes(24).toString('base64url');
	const service = await startEngineService({
		databaseUrl: bench.db.url,
		token,
		env: { DB_POOL_MAX: '30', LOG_LEVEL: 'silent' }
	});
	const hub = new EventHub({ source: { url: bench.db.url } });
	await hub.start();
	const flags = createFlagService({ prisma: bench.db.prisma, events: hub, defaultEngine: 'local' });
	await flags.start();
	const local = new LocalEngine(bench.db.pool);
	const remote = new RemoteEngine({
		baseUrl: service.baseUrl,
		token,
		timeoutMs: 2_000,
		marketOfOption: marketOfOptionIn(bench.db.pool)
	});
	const routers: EngineRouter[] = [];
	// A router per phase, so that a breaker one phase opened does not carry into the next.
	const aRouter = () => {
		const router = new EngineRouter({
			local,
			remote,
			resolver: flags.resolver,
			breaker: { failureThreshold: 5, errorPercent: 50, cooldownMs: 600_000 },
			orders: orderLookup(bench.db.pool),
			observer: new EngineMetrics()
		});
		routers.push(router);
		return router;
	};
	const actor = bench.traders[0]!;
	const setRollout = (percent: number) =>
		flags.store.setGlobal(actor, { percent, reason: `bench: ${percent}% remote` });
	try {
		const through = async (seed: number) => {
			const router = aRouter();
			let fallbacks = 0;
			const figures = await runClosedLoop(
				limitOrderFlow(bench.books, ORDERS, seed),
				CLIENTS,
				async (client, input) => {
					const { value, served } = await router.place(bench.traders[client]!, input);
					if (!value.ok) throw new Error(`${value.code}: ${value.message}`);
					if (served.fallback) fallbacks += 1;
				}
			);
			return { ...figures, fallbacks };
		};
		await setRollout(0);
		const localFigures = await through(11);
		await setRollout(100);
		const remoteFigures = await through(12);
		const flagPropagation = await measureFlagPropagation(bench, setRollout);
		await setRollout(100);
		const killed = await killMidRun(bench, aRouter(), () => service.kill());
		const invariants = await checkInvariants(bench.db.pool);
		return {
			local: localFigures,
			remote: remoteFigures,
			killed,
			flagPropagation,
			invariantsHold: invariants.every((i) => i.ok),
			node: process.version,
			date: new Date().toISOString()
		};
	} finally {
		for (const router of routers) router.close();
		remote.close();
		flags.stop();
		await hub.stop();
		await service.stop();
		await bench.close();
	}
}

/**
 * Every client places with its own clientOrderIds; a quarter of the way in the engine service is
 * killed. Afterwards each clientOrderId must have exactly one order.
 */
async function killMidRun(
	bench: BenchDatabase,
	router: EngineRouter,
	kill: () => Promise<void>
): Promise<FallbackFigures> {
	const tag = `kill-${randomBytes(3).toString('hex')}`;
	const inputs = limitOrderFlow(bench.books, ORDERS, 13).map((input, i): PlaceOrderInput => ({
		...input,
		clientOrderId: `${tag}-${i}`
	}));
	const sent: { userId: string; clientOrderId: string }[] = [];
	const fallbackLatencies: number[] = [];
	let answered = 0;
	let killing: Promise<void> | null = null;
	const figures = await runClosedLoop(inputs, CLIENTS, async (client, input) => {
		const userId = bench.traders[client]!;
		sent.push({ userId, clientOrderId: input.clientOrderId! });
		const { value, served } = await router.place(userId, input);
		if (!value.ok) throw new Error(`${value.code}: ${value.message}`);
		if (served.fallback) fallbackLatencies.push(served.latencyMs);
		if (++answered === Math.floor(inputs.length / 4)) killing = kill();
	});
	await killing;
	const { rows } = await bench.db.pool.query<{ client_order_id: string; n: number }>(
		`SELECT client_order_id, count(*)::int AS n FROM orders
		  WHERE client_order_id LIKE $1 GROUP BY client_order_id`,
		[`${tag}-%`]
	);
	const counts = new Map(rows.map((row) => [row.client_order_id, row.n]));
	fallbackLatencies.sort((a, b) => a - b);
	return {
		...figures,
		fallbacks: fallbackLatencies.length,
		fallbackP99Ms: Number(
			(fallbackLatencies[Math.floor(fallbackLatencies.length * 0.99)] ?? 0).toFixed(2)
		),
		lost: sent.filter(({ clientOrderId }) => !counts.has(clientOrderId)).length,
		doubled: [...counts.values()].filter((n) => n > 1).length
	};
}

/**
 * A second app process watches the flags (its own connections, event hub and flag cache) and
 * prints each copy it reads; the time from a change's commit here to that line is the figure.
 */
async function measureFlagPropagation(
	bench: BenchDatabase,
	setRollout: (percent: number) => Promise<unknown>
): Promise<EnginesResult['flagPropagation']> {
	const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
		env: { ...process.env, BENCH_FLAG_WATCHER_DB: bench.db.url },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const lines = createInterface({ input: child.stdout! });
	const waiting = new Map<number, (at: number) => void>();
	let ready: () => void;
	const isReady = new Promise<void>((resolve) => (ready = resolve));
	lines.on('line', (line) => {
		const at = performance.now();
		if (line === 'ready') ready();
		const seen = /^percent (\d+)$/.exec(line);
		if (seen) waiting.get(Number(seen[1]))?.(at);
	});
	try {
		await isReady;
		const delays: number[] = [];
		for (let i = 0; i < FLAG_CHANGES; i++) {
			const percent = 1 + i;
			const seen = new Promise<number>((resolve) => waiting.set(percent, resolve));
			const started = performance.now();
			await setRollout(percent);
			delays.push((await seen) - started);
		}
		delays.sort((a, b) => a - b);
		return {
			changes: delays.length,
			p50Ms: Number(delays[Math.floor(delays.length / 2)]!.toFixed(1)),
			maxMs: Number(delays.at(-1)!.toFixed(1))
		};
	} finally {
		child.kill('SIGTERM');
	}
}

/** The second process of measureFlagPropagation. */
async function watchFlags(databaseUrl: string): Promise<void> {
	const db = connectDatabase(databaseUrl, { max: 2 });
	const hub = new EventHub({ source: { url: databaseUrl } });
	await hub.start();
	const flags: FlagService = createFlagService({
		prisma: db.prisma,
		events: hub,
		defaultEngine: 'local'
	});
	flags.onReload((snapshot) => {
		console.log(`percent ${snapshot.global?.rolloutPercent ?? 0}`);
	});
	await flags.start();
	console.log('ready');
}

export function enginesRows(result: EnginesResult) {
	const row = (path: string, f: LoadFigures, extra = '') => ({
		path,
		clients: f.clients,
		orders: f.orders,
		'orders/s': f.ordersPerSec,
		'p50 ms': f.p50Ms,
		'p99 ms': f.p99Ms,
		notes: extra
	});
	const { killed, flagPropagation } = result;
	return [
		row('router → LocalEngine', result.local, `${result.local.fallbacks} fallbacks`),
		row(
			'router → RemoteEngine (engine service)',
			result.remote,
			`${result.remote.fallbacks} fallbacks`
		),
		row(
			'remote, service killed at 25%',
			killed,
			`${killed.fallbacks} fallbacks, fallback p99 ${killed.fallbackP99Ms} ms, ` +
				`${killed.lost} lost, ${killed.doubled} doubled`
		),
		{
			path: 'flag change → second process',
			clients: '',
			orders: flagPropagation.changes,
			'orders/s': '',
			'p50 ms': flagPropagation.p50Ms,
			'p99 ms': flagPropagation.maxMs,
			notes: `max shown as p99; ${result.invariantsHold ? 'invariants hold' : 'INVARIANTS BROKEN'}`
		}
	];
}

if (process.env.BENCH_FLAG_WATCHER_DB) {
	watchFlags(process.env.BENCH_FLAG_WATCHER_DB).catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
