// tRPC over plain node:http for the common cases, without a fetch Request or Response: single
// and batched (`?batch=1`) queries (GET, `input` in the query string) and mutations (POST, JSON
// body), answered with one JSON body. It follows tRPC 11's resolveResponse and its JSON content
// type handler rule for rule (statuses, 207 for mixed batches, error shapes, lazy input parsing,
// the `vary` and `allow` headers), so that its answers are byte for byte those of the fetch
// adapter. Anything else (streaming or SSE, other content types and methods, odd paths, large
// or chunked bodies, subscriptions) is left untouched to `next`, the full handling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	getErrorShape,
	getHTTPStatusCode,
	getProcedureAtPath,
	getTRPCErrorFromUnknown,
	isAsyncIterable,
	isObject,
	isPromise,
	transformTRPCResponse,
	TRPCError,
	type AnyProcedure,
	type AnyRouter,
	type inferRouterContext,
	type TRPCResponse
} from '@trpc/server/unstable-core-do-not-import';

export interface NodeTrpcHandlerOptions<TRouter extends AnyRouter, TPrepared> {
	router: TRouter;
	/** Where the router is served, e.g. `/trpc`. */
	endpoint: string;
	/** The origin the request URL is resolved against (as the full handling would); a throw leaves the request to `next`. */
	base: (req: IncomingMessage) => string;
	/**
	 * Work the full handling does before tRPC sees the request (a session lookup, say); a throw
	 * leaves the request to `next`, which will do it again and answer as it does.
	 */
	prepare: (req: IncomingMessage, url: URL) => Promise<TPrepared>;
	/** The tRPC context, called where tRPC calls its createContext; a throw fails every call. */
	createContext: (
		req: IncomingMessage,
		url: URL,
		prepared: TPrepared
	) => Promise<inferRouterContext<TRouter>> | inferRouterContext<TRouter>;
	onError?: (opts: { error: TRPCError; path: string | undefined }) => void;
	/** Headers for an answer with these errors: what the fetch adapter's responseMeta adds. */
	headersForErrors?: (errors: readonly TRPCError[]) => Record<string, string>;
	/** Larger request bodies (and bodies without a length) are left to `next`. */
	bodySizeLimit: number;
}

export type NodeTrpcHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	next: () => void
) => Promise<void>;

/** One dotted procedure path, as the app's clients send them (anything else goes to `next`). */
const PROCEDURE_PATH = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$/;

type ProcedureType = 'query' | 'mutation' | 'subscription';
type CallResult = [TRPCError, undefined] | [undefined, { data: unknown }];

const ACCEPTED_METHOD: Record<ProcedureType, string> = {
	mutation: 'POST',
	query: 'GET',
	subscription: 'GET'
};

/** tRPC's `memo` in its HTTP content type handlers: failures become BAD_REQUEST. */
function memoInputs(read: () => Record<number, unknown>) {
	let value: Record<number, unknown> | undefined;
	let failure: TRPCError | undefined;
	return {
		read(): Record<number, unknown> {
			if (value) return value;
			if (failure) throw failure;
			try {
				value = read();
				return value;
			} catch (cause) {
				failure =
					cause instanceof TRPCError
						? cause
						: new TRPCError({
								code: 'BAD_REQUEST',
								message: cause instanceof Error ? cause.message : 'Invalid input',
								cause
							});
				throw failure;
			}
		},
		result: () => value
	};
}

/** tRPC's isDataStream: a result only a streaming link can carry. */
function isDataStream(v: unknown): boolean {
	if (!isObject(v)) return false;
	if (isAsyncIterable(v)) return true;
	return Object.values(v).some(isPromise) || Object.values(v).some(isAsyncIterable);
}

function contentTypeOf(req: IncomingMessage): string | undefined {
	return req.headers['content-type']?.toLowerCase().split(';', 1)[0]?.trim();
}

/** The request body as Request.text() reads it (UTF-8, a leading BOM dropped). */
function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.once('error', reject);
		req.once('end', () => {
			const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
			resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
		});
	});
}

interface Answer {
	status: number;
	body: string;
	/** tRPC sets application/json where it answers; a request it cannot read gets fetch's default. */
	contentType: 'application/json' | 'text/plain;charset=UTF-8';
	allow: string | null;
	/** The errors the answer carries, for headersForErrors. */
	errors: readonly TRPCError[];
}

function send(
	res: ServerResponse,
	{ status, body, contentType, allow, errors }: Answer,
	headersForErrors: NodeTrpcHandlerOptions<AnyRouter, unknown>['headersForErrors']
): void {
	const headers: Record<string, string | number> = {
		...(errors.length > 0 ? headersForErrors?.(errors) : undefined),
		vary: 'trpc-accept, accept',
		'content-type': contentType,
		'content-length': Buffer.byteLength(body)
	};
	if (allow !== null) headers.allow = allow;
	res.writeHead(status, headers);
	res.end(body);
}

export function createNodeTrpcHandler<TRouter extends AnyRouter, TPrepared>(
	opts: NodeTrpcHandlerOptions<TRouter, TPrepared>
): NodeTrpcHandler {
	const { router, onError } = opts;
	const config = router._def._config;
	const prefix = `${opts.endpoint}/`;

	return async function handleTrpc(req, res, next) {
		// Only what is answered exactly here; everything else, as it came, to the full handling.
		const { method, headers } = req;
		if (method !== 'GET' && method !== 'POST') return next();
		if (!req.url?.startsWith(prefix)) return next();
		if (headers['trpc-accept'] !== undefined) return next();
		if (headers.accept?.split(',').some((type) => type.trim() === 'application/jsonl')) {
			return next();
		}
		const contentType = contentTypeOf(req);
		const length = headers['content-length'];
		if (method === 'GET') {
			if (contentType !== undefined && contentType !== 'application/json') return next();
			if ((length !== undefined && length !== '0') || headers['transfer-encoding']) return next();
		} else {
			if (contentType !== 'application/json') return next();
			if (length === undefined || headers['transfer-encoding']) return next();
			if (!/^\d+$/.test(length) || Number(length) > opts.bodySizeLimit) return next();
		}
		let url: URL;
		try {
			// SvelteKit's request URL: the base and the request target, as strings.
			url = new URL(opts.base(req) + req.url);
		} catch {
			return next();
		}
		const { searchParams } = url;
		if (searchParams.has('connectionParams')) return next();
		const path = url.pathname.slice(prefix.length);
		const isBatchCall = searchParams.get('batch') === '1';
		const paths = isBatchCall ? path.split(',') : [path];
		if (!url.pathname.startsWith(prefix) || !paths.every((p) => PROCEDURE_PATH.test(p))) {
			return next();
		}

		let procedures: (AnyProcedure | null)[];
		let prepared: TPrepared;
		try {
			procedures = await Promise.all(paths.map((p) => getProcedureAtPath(router, p)));
			// Subscriptions are served over SSE by the full handling.
			if (procedures.some((proc) => proc?._def.type === 'subscription')) return next();
			prepared = await opts.prepare(req, url);
		} catch {
			return next();
		}

		// From here on the request is ours: its body is read and the answer written here.
		let body = '';
		if (method === 'POST') {
			try {
				body = await readBody(req);
			} catch {
				req.destroy();
				return;
			}
		}
		let answer: Answer;
		try {
			answer = await resolve(req, url, prepared, paths, procedures, isBatchCall, body);
		} catch (error) {
			console.error('trpc over node:http failed', error);
			answer = {
				status: 500,
				body: '',
				contentType: 'text/plain;charset=UTF-8',
				allow: null,
				errors: []
			};
		}
		if (res.headersSent || res.destroyed) return;
		send(res, answer, opts.headersForErrors);
	};

	async function resolve(
		req: IncomingMessage,
		url: URL,
		prepared: TPrepared,
		paths: string[],
		procedures: (AnyProcedure | null)[],
		isBatchCall: boolean,
		body: string
	): Promise<Answer> {
		const method = req.method!;
		let allow: string | null = null;
		let contentType: Answer['contentType'] = 'text/plain;charset=UTF-8';
		const inputs = memoInputs(() => {
			let raw: unknown = undefined;
			if (method === 'GET') {
				const queryInput = url.searchParams.get('input');
				if (queryInput) raw = JSON.parse(queryInput);
			} else if (body) {
				raw = JSON.parse(body);
			}
			const result: Record<number, unknown> = Object.create(null);
			if (raw === undefined) return result;
			if (!isBatchCall) {
				result[0] = config.transformer.input.deserialize(raw);
				return result;
			}
			if (!isObject(raw)) {
				throw new TRPCError({
					code: 'BAD_REQUEST',
					message: '"input" needs to be an object when doing a batch call'
				});
			}
			for (const index of paths.keys()) {
				const input = (raw as Record<number, unknown>)[index];
				if (input !== undefined) result[index] = config.transformer.input.deserialize(input);
			}
			return result;
		});
		const inputAt = (index: number) => inputs.result()?.[index];

		const types = new Set(procedures.flatMap((proc) => (proc ? [proc._def.type] : [])));
		const type: ProcedureType | 'unknown' = types.values().next().value ?? 'unknown';
		let ctx: inferRouterContext<TRouter> | undefined;
		try {
			if (types.size > 1) {
				throw new TRPCError({
					code: 'BAD_REQUEST',
					message: `Cannot mix procedure types in call: ${Array.from(types).join(', ')}`
				});
			}
			let ctxError: TRPCError | undefined;
			try {
				ctx = await opts.createContext(req, url, prepared);
			} catch (cause) {
				ctxError = getTRPCErrorFromUnknown(cause);
			}

			const calls = paths.map(async (path, index): Promise<CallResult> => {
				const proc = procedures[index]!;
				try {
					if (!proc) {
						throw new TRPCError({
							code: 'NOT_FOUND',
							message: `No procedure found on path "${path}"`
						});
					}
					const procType = proc._def.type as ProcedureType;
					if (ACCEPTED_METHOD[procType] !== method) {
						allow = ACCEPTED_METHOD[procType];
						throw new TRPCError({
							code: 'METHOD_NOT_SUPPORTED',
							message: `Unsupported ${method}-request to ${procType} procedure at path "${path}"`
						});
					}
					if (ctxError) throw ctxError;
					const data: unknown = await proc({
						path,
						getRawInput: async () => inputs.read()[index],
						ctx,
						type: procType,
						signal: undefined,
						batchIndex: index
					});
					return [undefined, { data }];
				} catch (cause) {
					const error = getTRPCErrorFromUnknown(cause);
					onError?.({ error, path });
					return [error, undefined];
				}
			});

			if (!isBatchCall) {
				const [error, result] = await calls[0]!;
				contentType = 'application/json';
				if (isDataStream(result?.data)) {
					throw new TRPCError({
						code: 'UNSUPPORTED_MEDIA_TYPE',
						message:
							'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink'
					});
				}
				const response: TRPCResponse = error
					? {
							error: getErrorShape({
								config,
								ctx,
								error,
								input: inputAt(0),
								path: paths[0],
								type
							})
						}
					: { result: { data: result!.data } };
				return {
					status: getHTTPStatusCode([response], error ? [error] : []),
					body: JSON.stringify(transformTRPCResponse(config, response)),
					contentType,
					allow,
					errors: error ? [error] : []
				};
			}

			contentType = 'application/json';
			const results = (await Promise.all(calls)).map((res): CallResult => {
				const [error, result] = res;
				if (error) return res;
				if (isDataStream(result.data)) {
					return [
						new TRPCError({
							code: 'UNSUPPORTED_MEDIA_TYPE',
							message:
								'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink'
						}),
						undefined
					];
				}
				return res;
			});
			const responses = results.map(([error, result], index): TRPCResponse => {
				if (error) {
					return {
						error: getErrorShape({
							config,
							ctx,
							error,
							input: inputAt(index),
							path: paths[index],
							type: procedures[index]?._def.type ?? 'unknown'
						})
					};
				}
				return { result: { data: result.data } };
			});
			return {
				status: getHTTPStatusCode(
					responses,
					results.map(([error]) => error)
				),
				body: JSON.stringify(transformTRPCResponse(config, responses)),
				contentType,
				allow,
				errors: results.flatMap(([error]) => (error ? [error] : []))
			};
		} catch (cause) {
			const error = getTRPCErrorFromUnknown(cause);
			onError?.({ error, path: undefined });
			// Mixed types fail where tRPC reads the request, before it knows a type.
			const errorType = types.size > 1 ? 'unknown' : type;
			const response: TRPCResponse = {
				error: getErrorShape({
					config,
					error,
					type: errorType,
					path: undefined,
					input: undefined,
					ctx
				})
			};
			return {
				status: getHTTPStatusCode(response, [error]),
				body: JSON.stringify(transformTRPCResponse(config, response)),
				contentType,
				allow,
				errors: [error]
			};
		}
	}
}
