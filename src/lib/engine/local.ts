// LocalEngine: the TypeScript engine inside the app. Matches with the pure core, persists in
// Postgres through the process's group committer (one queue per book, one transaction for
// whatever waits across books), and reads books and positions from the database, so it agrees
// with any other engine serving the same books.
import type pg from 'pg';
import type { AmendOrderInput, EngineName, OrderView, PlaceOrderInput } from '$lib/shared/orders';
import type {
	EngineHealth,
	EngineResult,
	OrderBookView,
	OrderOutcome,
	PositionView,
	TradingEngine
} from './engine';
import { GroupCommitter, type CommitStats, type SettledResult } from './local/committer';
import type { BookCommand } from './local/batch';
import { isPglite } from '../server/db/kind';
import { CachedBook, STALE, viewOf, type CachedBookView } from './local/cached-book';
import { IdAllocator } from './local/ids';

export const ENGINE_VERSION = '0.1.0';

export interface LocalEngineOptions {
	/** Which engine the orders are recorded as served by (the engine service reuses this class). */
	engineName?: EngineName;
	/** Most commands in one transaction. */
	maxBatch?: number;
	/** Most transactions in flight at once (each over different books). */
	maxInFlight?: number;
	/** Fewest commands a transaction takes while another one is being written. */
	minConcurrentBatch?: number;
}

export interface ExpirySweeperOptions {
	intervalMs?: number;
	/** The time orders are expired at: the wall clock, or a test's, which need not wait for it. */
	now?: () => Date;
}

const RESTING = `status IN ('OPEN', 'PARTIALLY_FILLED')`;

export class LocalEngine implements TradingEngine {
	readonly name: EngineName;
	private readonly books = new Map<string, CachedBook>();
	private readonly committer: GroupCommitter;
	private onRealPostgres: Promise<boolean> | undefined;
	private sweeper: NodeJS.Timeout | undefined;

	constructor(
		private readonly pool: pg.Pool,
		{
			engineName = 'local',
			maxBatch = 256,
			maxInFlight = 2,
			minConcurrentBatch = 16
		}: LocalEngineOptions = {}
	) {
		this.name = engineName;
		this.committer = new GroupCommitter(pool, new IdAllocator(), {
			maxBatch,
			maxInFlight,
			minConcurrentBatch,
			namedStatements: () => this.usesRealPostgres()
		});
	}

	private book(optionId: string): CachedBook {
		// One cache per book, whatever the case of the id's hex digits.
		const key = optionId.toLowerCase();
		let book = this.books.get(key);
		if (!book) {
			book = new CachedBook(key);
			this.books.set(key, book);
		}
		return book;
	}

	/** Whether the database is a real Postgres (not PGlite), asked once. */
	private usesRealPostgres(): Promise<boolean> {
		this.onRealPostgres ??= isPglite(this.pool).then((pglite) => !pglite);
		return this.onRealPostgres;
	}

	private submit(optionId: string, command: BookCommand): Promise<SettledResult> {
		return this.committer.submit(this.book(optionId), command);
	}

	async place(userId: string, input: PlaceOrderInput): Promise<EngineResult<OrderOutcome>> {
		const result = await this.submit(input.optionId, {
			kind: 'place',
			userId,
			input,
			engine: this.name
		});
		return toOutcome(result);
	}

	placeBatch(userId: string, inputs: PlaceOrderInput[]): Promise<EngineResult<OrderOutcome>[]> {
		// Submitted together so that orders for one book share its next transaction, in the
		// order given.
		return Promise.all(inputs.map((input) => this.place(userId, input)));
	}

	async amend(userId: string, input: AmendOrderInput): Promise<EngineResult<OrderOutcome>> {
		const optionId = await this.optionOfOrder(userId, input.orderId);
		if (!optionId) return unknownOrder(input.orderId);
		return toOutcome(await this.submit(optionId, { kind: 'amend', userId, input }));
	}

	async cancel(userId: string, orderId: string): Promise<EngineResult<OrderView>> {
		const optionId = await this.optionOfOrder(userId, orderId);
		if (!optionId) return unknownOrder(orderId);
		const result = await this.submit(optionId, { kind: 'cancel', userId, orderId });
		if (!result.ok) return result;
		return { ok: true, value: result.affected[0] ?? result.order! };
	}

	async cancelAll(userId: string, scope: { marketId?: string } = {}): Promise<OrderView[]> {
		const { rows } = await this.pool.query<{ option_id: string }>(
			`SELECT DISTINCT option_id FROM orders
			  WHERE user_id = $1 AND ${RESTING} AND ($2::uuid IS NULL OR market_id = $2::uuid)`,
			[userId, scope.marketId ?? null]
		);
		const results = await Promise.all(
			rows.map((row) => this.submit(row.option_id, { kind: 'cancelAll', userId, reason: 'USER' }))
		);
		return results.flatMap((result) => (result.ok ? result.affected : []));
	}

	/** Expires every GTD order that is due, in each book that has one. Returns how many expired. */
	async expireDue(now = new Date()): Promise<number> {
		const { rows } = await this.pool.query<{ option_id: string }>(
			`SELECT DISTINCT option_id FROM orders
			  WHERE ${RESTING} AND time_in_force = 'GTD' AND expires_at <= $1`,
			[now]
		);
		const results = await Promise.all(
			rows.map((row) => this.submit(row.option_id, { kind: 'expire', now }))
		);
		return results.reduce((sum, result) => sum + (result.ok ? result.affected.length : 0), 0);
	}

	/** What this engine's group commits have done so far, and where their time went. */
	commitStats(): CommitStats {
		return this.committer.stats();
	}

	/**
	 * A copy of what this engine has cached of a book, or null when it holds nothing it would
	 * trust (never loaded, or dropped after a failed transaction). Read-only and read by nothing
	 * that serves orders: tests compare it with a rebuild from the database.
	 */
	cachedBook(optionId: string): CachedBookView | null {
		const book = this.books.get(optionId.toLowerCase());
		return book && book.seq !== STALE ? viewOf(book) : null;
	}

	/** Sweeps expired GTD orders every `intervalMs` until stop(). */
	startExpirySweeper({
		intervalMs = 1_000,
		now = () => new Date()
	}: ExpirySweeperOptions = {}): void {
		this.sweeper ??= setInterval(() => {
			this.expireDue(now()).catch((error: unknown) => console.error('expiry sweep failed', error));
		}, intervalMs);
		this.sweeper.unref();
	}

	stop(): void {
		clearInterval(this.sweeper);
		this.sweeper = undefined;
	}

	async getOrderBook(optionId: string, depth = 99): Promise<EngineResult<OrderBookView>> {
		const { rows } = await this.pool.query<{
			seq: string;
			last_price_cents: number | null;
			levels:
				{ side: 'BUY' | 'SELL'; priceCents: number; quantity: number; orders: number }[] | null;
		}>(
			`SELECT b.seq::text, b.last_price_cents,
			        (SELECT json_agg(json_build_object('side', side, 'priceCents', price_cents,
			                'quantity', quantity, 'orders', orders))
			           FROM (SELECT side, price_cents, sum(quantity - filled_quantity)::int AS quantity,
			                        count(*)::int AS orders
			                   FROM orders WHERE option_id = b.option_id AND ${RESTING}
			                  GROUP BY side, price_cents) levels) AS levels
			   FROM books b WHERE b.option_id = $1`,
			[optionId]
		);
		const row = rows[0];
		if (!row) return { ok: false, code: 'UNKNOWN_OPTION', message: `No option ${optionId}` };
		const levels = row.levels ?? [];
		const side = (which: 'BUY' | 'SELL') =>
			levels
				.filter((level) => level.side === which)
				.sort((a, b) =>
					which === 'BUY' ? b.priceCents - a.priceCents : a.priceCents - b.priceCents
				)
				.slice(0, depth)
				.map(({ priceCents, quantity, orders }) => ({ priceCents, quantity, orders }));
		return {
			ok: true,
			value: {
				optionId,
				seq: row.seq,
				bids: side('BUY'),
				asks: side('SELL'),
				lastPriceCents: row.last_price_cents
			}
		};
	}

	async getPositions(userId: string): Promise<PositionView[]> {
		const { rows } = await this.pool.query<{
			option_id: string;
			market_id: string;
			quantity: number;
			cost_basis_cents: string;
			realized_pnl_cents: string;
			locked_quantity: number;
		}>(
			`SELECT p.option_id, o.market_id, p.quantity, p.cost_basis_cents::text, p.realized_pnl_cents::text,
			        p.locked_quantity
			   FROM positions p JOIN market_options o ON o.id = p.option_id
			  WHERE p.user_id = $1 AND (p.quantity <> 0 OR p.realized_pnl_cents <> 0)
			  ORDER BY o.market_id, o.sort_order`,
			[userId]
		);
		return rows.map((row) => ({
			optionId: row.option_id,
			marketId: row.market_id,
			quantity: row.quantity,
			costBasisCents: Number(row.cost_basis_cents),
			realizedPnlCents: Number(row.realized_pnl_cents),
			lockedQuantity: row.locked_quantity
		}));
	}

	async health(): Promise<EngineHealth> {
		const connected = await this.pool.query('SELECT 1').then(
			() => true,
			() => false
		);
		return {
			status: connected ? 'healthy' : 'unhealthy',
			database: connected ? 'connected' : 'disconnected',
			timestamp: new Date().toISOString(),
			version: ENGINE_VERSION
		};
	}

	private async optionOfOrder(userId: string, orderId: string): Promise<string | null> {
		const { rows } = await this.pool.query<{ option_id: string }>(
			'SELECT option_id FROM orders WHERE id = $1::bigint AND user_id = $2',
			[orderId, userId]
		);
		return rows[0]?.option_id ?? null;
	}
}

function unknownOrder(orderId: string): EngineResult<never> {
	return { ok: false, code: 'UNKNOWN_ORDER', message: `You have no open order ${orderId}` };
}

function toOutcome(result: SettledResult): EngineResult<OrderOutcome> {
	if (!result.ok) return result;
	if (!result.order) throw new Error('An order command settled without its order');
	return {
		ok: true,
		value: { order: result.order, fills: result.fills, duplicate: result.duplicate }
	};
}
