// Fan-out: 1,000 WebSocket subscribers in another process. (a) Every subscriber on
// trades.onTrade while the trade rate rises step by step: deliveries/s held and p99 from commit
// to receipt. (b) Every subscriber on one book's books.onUpdate at 1,000 orders/s: p99 staleness
// of the clients' books. Plus the server's memory.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineResult, OrderOutcome } from '../../src/lib/engine/engine';
import { PlaceOrderInput } from '../../src/lib/shared/orders';
import type { TestDatabase } from '../fixtures/database';
import { startAppSocketServer } from '../fixtures/app-socket';
import { createBenchDatabase } from './bench-database';
import { mulberry32 } from './workload';

const SUBSCRIBERS = Number(process.env.FANOUT_SUBSCRIBERS ?? 1_000);
/** Trades per second at each step of (a). */
const TRADE_RATES = [25, 50, 100, 150, 200, 300];
const STEP_SECONDS = 4;
const TICK_MS = 50;
const BOOK_ORDERS_PER_SEC = 1_000;
const BOOK_SECONDS = 5;
/** A step is held when its p99 stays under this and at least 95% of its deliveries arrive. */
const HELD_P99_MS = 100;

interface ChildReport {
	delivered: number;
	samples: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
}

export interface TradeStep {
	targetTradesPerSec: number;
	tradesPerSec: number;
	deliveriesPerSec: number;
	expectedDeliveries: number;
	delivered: number;
	p50Ms: number;
	p99Ms: number;
	held: boolean;
}

export interface FanoutResult {
	subscribers: number;
	trades: TradeStep[];
	/** The highest deliveries/s among the held steps. */
	heldDeliveriesPerSec: number;
	book: {
		ordersPerSec: number;
		updatesDelivered: number;
		p50StalenessMs: number;
		p99StalenessMs: number;
	};
	serverMemoryMb: { before: number; subscribed: number; peak: number };
	node: string;
	date: string;
}

const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

class Subscribers {
	private readonly child: ChildProcess;
	private waiting: ((message: { type: string } & Partial<ChildReport>) => void)[] = [];

	constructor(env: Record<string, string>) {
		this.child = fork(fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)), [], {
			execArgv: ['--import', 'tsx'],
			env: { ...process.env, ...env },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		this.child.on('message', (message: { type: string }) => this.waiting.shift()?.(message));
	}

	next(): Promise<{ type: string } & Partial<ChildReport>> {
		return new Promise((resolve, reject) => {
			this.waiting.push(resolve);
			this.child.once('exit', (code) => reject(new Error(`subscribers exited (${code})`)));
		});
	}

	commits(items: [string, number][]): void {
		if (items.length > 0) this.child.send({ type: 'commits', items });
	}

	async report(): Promise<ChildReport> {
		const reply = this.next();
		this.child.send({ type: 'report' });
		return (await reply) as unknown as ChildReport;
	}

	stop(): void {
		this.child.send({ type: 'stop' });
	}
}

/** Waits until tick `tick` of a run that started at `started` is due (at once when late). */
async function untilTick(started: number, tick: number): Promise<void> {
	const wait = started + tick * TICK_MS - performance.now();
	if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

function placed(result: EngineResult<OrderOutcome>): OrderOutcome {
	if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
	return result.value;
}

export async function runFanoutBench(): Promise<FanoutResult> {
	const bench = await createBenchDatabase(2, 2);
	const db = { ...bench.db, kind: 'postgres' } as TestDatabase;
	const app = await startAppSocketServer(db);
	app.services.logEngineCall = () => undefined;
	const engine = app.services.engine;
	const [maker, taker] = bench.traders as [string, string];
	const book = bench.books[0]!;
	const order = (side: 'BUY' | 'SELL', priceCents: number, quantity: number) =>
		PlaceOrderInput.parse({
			marketId: book.marketId,
			optionId: book.optionId,
			side,
			priceCents,
			quantity
		});
	const memory = { before: mb(process.memoryUsage().rss), subscribed: 0, peak: 0 };
	const sampleMemory = () => (memory.peak = Math.max(memory.peak, mb(process.memoryUsage().rss)));
	const childEnv = {
		FANOUT_URL: `${app.origin.replace('http', 'ws')}/trpc`,
		FANOUT_ORIGIN: app.origin,
		FANOUT_CLIENTS: String(SUBSCRIBERS),
		FANOUT_OPTION: book.optionId
	};
	try {
		// (a) trades, rate raised step by step.
		const tradeClients = new Subscribers({ ...childEnv, FANOUT_MODE: 'trades' });
		await tradeClients.next();
		memory.subscribed = mb(process.memoryUsage().rss);
		const trades: TradeStep[] = [];
		for (const rate of TRADE_RATES) {
			const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
			const ticks = Math.round((STEP_SECONDS * 1000) / TICK_MS);
			let tradeCount = 0;
			const started = performance.now();
			for (let tick = 0; tick < ticks; tick++) {
				await untilTick(started, tick);
				await engine.placeBatch(
					maker,
					Array.from({ length: perTick }, () => order('SELL', 50, 1))
				);
				const outcome = placed(await engine.place(taker, order('BUY', 50, perTick)));
				const at = now();
				const items = outcome.fills.map((fill) => [fill.tradeId, at] as [string, number]);
				tradeCount += items.length;
				tradeClients.commits(items);
				sampleMemory();
			}
			const seconds = (performance.now() - started) / 1000;
			// Let the last deliveries land before asking: the subscribers report what they saw.
			await new Promise((resolve) => setTimeout(resolve, 500));
			const report = await tradeClients.report();
			const expected = tradeCount * SUBSCRIBERS;
			trades.push({
				targetTradesPerSec: rate,
				tradesPerSec: Math.round(tradeCount / seconds),
				deliveriesPerSec: Math.round(report.delivered / seconds),
				expectedDeliveries: expected,
				delivered: report.delivered,
				p50Ms: Number(report.p50Ms.toFixed(1)),
				p99Ms: Number(report.p99Ms.toFixed(1)),
				held: report.p99Ms < HELD_P99_MS && report.delivered >= expected * 0.95
			});
			if (!trades.at(-1)!.held) break;
		}
		tradeClients.stop();

		// (b) one book, every subscriber on books.onUpdate, 1,000 orders/s.
		const seqCommits: [string, number][] = [];
		const unsubscribe = app.services.events.subscribe(`book:${book.optionId}`, (event) => {
			if (event.bookSeq) seqCommits.push([event.bookSeq, now()]);
		});
		const bookClients = new Subscribers({ ...childEnv, FANOUT_MODE: 'book' });
		await bookClients.next();
		const rand = mulberry32(7);
		const perTick = Math.round((BOOK_ORDERS_PER_SEC * TICK_MS) / 1000);
		const ticks = Math.round((BOOK_SECONDS * 1000) / TICK_MS);
		let orders = 0;
		const started = performance.now();
		for (let tick = 0; tick < ticks; tick++) {
			await untilTick(started, tick);
			const batch = Array.from({ length: perTick }, () =>
				order(
					rand() < 0.5 ? 'BUY' : 'SELL',
					40 + Math.floor(rand() * 21),
					1 + Math.floor(rand() * 5)
				)
			);
			await Promise.all([
				engine.placeBatch(maker, batch.slice(0, perTick / 2)),
				engine.placeBatch(taker, batch.slice(perTick / 2))
			]);
			orders += batch.length;
			bookClients.commits(seqCommits.splice(0));
			sampleMemory();
		}
		const seconds = (performance.now() - started) / 1000;
		await new Promise((resolve) => setTimeout(resolve, 500));
		bookClients.commits(seqCommits.splice(0));
		const bookReport = await bookClients.report();
		bookClients.stop();
		unsubscribe();
		const held = trades.filter((step) => step.held);
		return {
			subscribers: SUBSCRIBERS,
			trades,
			heldDeliveriesPerSec: Math.max(0, ...held.map((step) => step.deliveriesPerSec)),
			book: {
				ordersPerSec: Math.round(orders / seconds),
				updatesDelivered: bookReport.delivered,
				p50StalenessMs: Number(bookReport.p50Ms.toFixed(1)),
				p99StalenessMs: Number(bookReport.p99Ms.toFixed(1))
			},
			serverMemoryMb: memory,
			node: process.version,
			date: new Date().toISOString()
		};
	} finally {
		await app.close();
		await bench.close();
	}
}

export function fanoutRows(result: FanoutResult) {
	return [
		...result.trades.map((step) => ({
			test: `trades.onTrade ${step.targetTradesPerSec} trades/s`,
			'deliveries/s': step.deliveriesPerSec,
			delivered: `${step.delivered}/${step.expectedDeliveries}`,
			'p50 ms': step.p50Ms,
			'p99 ms': step.p99Ms,
			held: step.held ? 'yes' : 'no'
		})),
		{
			test: `books.onUpdate ${result.book.ordersPerSec} orders/s`,
			'deliveries/s': Math.round(result.book.updatesDelivered / BOOK_SECONDS),
			delivered: result.book.updatesDelivered,
			'p50 ms': result.book.p50StalenessMs,
			'p99 ms': result.book.p99StalenessMs,
			held: 'staleness'
		},
		{
			test: `server RSS MB before/subscribed/peak`,
			'deliveries/s': '',
			delivered: `${result.serverMemoryMb.before}/${result.serverMemoryMb.subscribed}/${result.serverMemoryMb.peak}`,
			'p50 ms': '',
			'p99 ms': '',
			held: `held ${result.heldDeliveriesPerSec}/s`
		}
	];
}
