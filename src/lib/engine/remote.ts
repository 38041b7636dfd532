// RemoteEngine: the TradingEngine that calls an engine service over HTTP (the seed's contract,
// see wire.ts), with keep-alive connections, a deadline per call and every answer checked.
import http from 'node:http';
import https from 'node:https';
import type pg from 'pg';
import { z } from 'zod';
import type { AmendOrderInput, OrderView, PlaceOrderInput } from '$lib/shared/orders';
import {
	EngineUnavailableError,
	type EngineHealth,
	type EngineResult,
	type OrderBookView,
	type OrderOutcome,
	type PositionView,
	type TradingEngine
} from './engine';
import {
	CancelAllResponse,
	EngineErrorCodeWire,
	Envelope,
	HealthWire,
	OrderBookWire,
	OrderOutcomeWire,
	OrderViewWire,
	PlaceBatchResponse,
	PositionsResponse,
	describeIssues
} from './wire';

export interface RemoteEngineOptions {
	/** The API root, e.g. http://localhost:8080/api/v1; health is read from its origin. */
	baseUrl: string;
	/** Sent as a bearer token on every call but health. */
	token?: string;
	/** Deadline of one call, from sending to the whole answer read. */
	timeoutMs: number;
	/**
	 * The market of an option: the contract's book route names both, TradingEngine only the
	 * option. Typically `marketOfOptionIn(pool)`. The answer is cached (options never move).
	 */
	marketOfOption?: (optionId: string) => Promise<string | null>;
	/** Most connections kept open to the service. */
	maxSockets?: number;
}

/** Looks an option's market up in the shared database. */
export function marketOfOptionIn(
	db: Pick<pg.Pool, 'query'>
): (optionId: string) => Promise<string | null> {
	return async (optionId) => {
		const { rows } = await db.query<{ market_id: string }>(
			'SELECT market_id FROM market_options WHERE id = $1::uuid',
			[optionId]
		);
		return rows[0]?.market_id ?? null;
	};
}

/** Answers larger than this are not read: no honest answer of this API comes close. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/**
 * An idle kept-alive connection is closed after this, before common servers close theirs
 * (Node's default is 5 s), so a request is never sent on a connection the server is closing.
 */
const IDLE_SOCKET_MS = 4_000;
const OPTION_CACHE_LIMIT = 10_000;
const UUID = z.uuid();

interface Answer {
	/** "METHOD /path", for messages. */
	call: string;
	status: number;
	envelope: Envelope;
}

export class RemoteEngine implements TradingEngine {
	readonly name = 'remote' as const;
	readonly #api: URL;
	readonly #healthUrl: URL;
	readonly #token: string | undefined;
	readonly #timeoutMs: number;
	readonly #agent: http.Agent;
	readonly #transport: typeof http | typeof https;
	readonly #marketOfOption: RemoteEngineOptions['marketOfOption'];
	readonly #marketByOption = new Map<string, string>();

	constructor({ baseUrl, token, timeoutMs, marketOfOption, maxSockets = 64 }: RemoteEngineOptions) {
		this.#api = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
		this.#healthUrl = new URL('/health', this.#api.origin);
		this.#token = token;
		this.#timeoutMs = timeoutMs;
		this.#marketOfOption = marketOfOption;
		const secure = this.#api.protocol === 'https:';
		this.#transport = secure ? https : http;
		const agentOptions = { keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS };
		this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
	}

	/** Closes the kept-alive connections; calls made afterwards open new ones. */
	close(): void {
		this.#agent.destroy();
	}

	// Never retried here: a place whose answer was lost may have been committed, and the engine
	// router's fallback (same clientOrderId on the local engine) is what makes that safe.
	async place(userId: string, input: PlaceOrderInput): Promise<EngineResult<OrderOutcome>> {
		const answer = await this.#call('POST', 'orders', { userId, ...input });
		return this.#result(answer, OrderOutcomeWire);
	}

	async placeBatch(
		userId: string,
		inputs: PlaceOrderInput[]
	): Promise<EngineResult<OrderOutcome>[]> {
		const answer = await this.#call('POST', 'orders/batch', { userId, orders: inputs });
		const { results } = this.#data(answer, PlaceBatchResponse);
		if (results.length !== inputs.length) {
			throw malformed(
				`${answer.call}: ${inputs.length} orders answered with ${results.length} results`
			);
		}
		return results;
	}

	async amend(userId: string, input: AmendOrderInput): Promise<EngineResult<OrderOutcome>> {
		const { orderId, ...change } = input;
		const answer = await this.#call('PATCH', `orders/${encodeURIComponent(orderId)}`, {
			userId,
			...change
		});
		return this.#result(answer, OrderOutcomeWire);
	}

	async cancel(userId: string, orderId: string): Promise<EngineResult<OrderView>> {
		const path = `orders/${encodeURIComponent(orderId)}?${new URLSearchParams({ userId })}`;
		return this.#result(await this.#call('DELETE', path), OrderViewWire);
	}

	async cancelAll(userId: string, scope: { marketId?: string } = {}): Promise<OrderView[]> {
		const answer = await this.#call('POST', 'orders/cancel-all', { userId, ...scope });
		return this.#data(answer, CancelAllResponse).cancelled;
	}

	async getOrderBook(optionId: string, depth?: number): Promise<EngineResult<OrderBookView>> {
		const marketId = await this.#marketOf(optionId);
		if (!marketId) return { ok: false, code: 'UNKNOWN_OPTION', message: `No option ${optionId}` };
		const query = depth === undefined ? '' : `?${new URLSearchParams({ depth: String(depth) })}`;
		const path = `markets/${marketId}/options/${encodeURIComponent(optionId)}/orderbook${query}`;
		return this.#result(await this.#call('GET', path), OrderBookWire);
	}

	async getPositions(userId: string): Promise<PositionView[]> {
		const answer = await this.#call('GET', `users/${encodeURIComponent(userId)}/positions`);
		return this.#data(answer, PositionsResponse);
	}

	/** The service's health body; a 503 that still says why is an answer, not a failure. */
	async health(): Promise<EngineHealth> {
		const answer = await this.#send('GET', this.#healthUrl, undefined, false);
		if (answer.status !== 200 && answer.status !== 503) throw unexpected(answer);
		if (!answer.envelope.success) throw unexpected(answer);
		return parseOrThrow(HealthWire, answer.envelope.data, answer.call);
	}

	async #marketOf(optionId: string): Promise<string | null> {
		const known = this.#marketByOption.get(optionId);
		if (known) return known;
		if (!this.#marketOfOption) {
			throw new Error('RemoteEngine needs marketOfOption to read a book (its route names both)');
		}
		// Not a uuid: no such option, and no lookup that the database would refuse.
		if (!UUID.safeParse(optionId).success) return null;
		const marketId = await this.#marketOfOption(optionId);
		if (marketId) {
			if (this.#marketByOption.size >= OPTION_CACHE_LIMIT) this.#marketByOption.clear();
			this.#marketByOption.set(optionId, marketId);
		}
		return marketId;
	}

	#call(method: string, path: string, body?: unknown): Promise<Answer> {
		return this.#send(method, new URL(path, this.#api), body, true);
	}

	/** A domain failure (4xx with one of our codes) is a result; anything else unexpected throws. */
	#result<S extends z.ZodType>(answer: Answer, schema: S): EngineResult<z.output<S>> {
		const { envelope, status } = answer;
		if (!envelope.success) {
			const code = EngineErrorCodeWire.safeParse(envelope.error.code);
			// Any 4xx but 401 carrying a domain code (this service uses statusOfEngineError's).
			if (status >= 400 && status < 500 && status !== 401 && code.success) {
				return { ok: false, code: code.data, message: envelope.error.message };
			}
			throw unexpected(answer);
		}
		return { ok: true, value: this.#data(answer, schema) };
	}

	#data<S extends z.ZodType>(answer: Answer, schema: S): z.output<S> {
		if (answer.status !== 200 || !answer.envelope.success) throw unexpected(answer);
		return parseOrThrow(schema, answer.envelope.data, answer.call);
	}

	#send(method: string, url: URL, body: unknown, authorized: boolean): Promise<Answer> {
		const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
		if (payload) {
			headers['content-type'] = 'application/json';
			headers['content-length'] = payload.length;
		}
		if (authorized && this.#token) headers.authorization = `Bearer ${this.#token}`;
		const what = `${method} ${url.pathname}`;

		return new Promise<Answer>((resolve, reject) => {
			let settled = false;
			const finish = (error: Error | null, answer?: Answer) => {
				if (settled) return;
				settled = true;
				clearTimeout(deadline);
				if (error) reject(error);
				else resolve(answer!);
			};
			const request = this.#transport.request(url, { method, headers, agent: this.#agent });
			const deadline = setTimeout(() => {
				finish(
					new EngineUnavailableError('timeout', `${what}: no answer within ${this.#timeoutMs} ms`)
				);
				request.destroy();
			}, this.#timeoutMs);
			request.once('error', (error) =>
				finish(
					new EngineUnavailableError('connection', `${what}: ${error.message}`, { cause: error })
				)
			);
			request.once('response', (response) => {
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > MAX_RESPONSE_BYTES) {
						finish(malformed(`${what}: answer larger than ${MAX_RESPONSE_BYTES} bytes`));
						request.destroy();
						return;
					}
					chunks.push(chunk);
				});
				response.once('error', (error) =>
					finish(
						new EngineUnavailableError('connection', `${what}: ${error.message}`, { cause: error })
					)
				);
				response.once('end', () => {
					const status = response.statusCode ?? 0;
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						finish(
							status >= 500
								? new EngineUnavailableError('server-error', `${what}: HTTP ${status}`)
								: malformed(`${what}: HTTP ${status} with a body that is not JSON`)
						);
						return;
					}
					const envelope = Envelope.safeParse(json);
					if (!envelope.success) {
						finish(
							status >= 500
								? new EngineUnavailableError('server-error', `${what}: HTTP ${status}`)
								: malformed(`${what}: HTTP ${status} without the {success, …} envelope`)
						);
						return;
					}
					finish(null, { call: what, status, envelope: envelope.data });
				});
			});
			request.end(payload);
		});
	}
}

function malformed(message: string): EngineUnavailableError {
	return new EngineUnavailableError('malformed', message);
}

/**
 * An answer that is neither data nor a domain failure: a 5xx, a refused token (our
 * configuration is wrong), a request the service found invalid, or a success status without
 * data. Thrown as unavailable, so that the caller falls back rather than failing the trader.
 */
function unexpected(answer: Answer): EngineUnavailableError {
	const detail = answer.envelope.success
		? ''
		: ` ${answer.envelope.error.code}: ${answer.envelope.error.message}`;
	const hint = answer.status === 401 ? ' (check TRADING_ENGINE_TOKEN)' : '';
	const succeeded = answer.status >= 200 && answer.status < 300;
	return new EngineUnavailableError(
		succeeded ? 'malformed' : 'server-error',
		`${answer.call}: HTTP ${answer.status}${detail}${hint}`
	);
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
	// Parsing a codec decodes it: ISO strings come out as Dates.
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw malformed(`${what}: ${describeIssues(parsed.error)}`);
	return parsed.data;
}
