// The engine service's HTTP plumbing: the JSON envelope, request bodies read with a size limit,
// and the bearer-token check, so that route handlers deal only in validated values.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { describeIssues, MAX_BODY_BYTES, ProtocolErrorCode } from '$lib/engine/wire';

/** A failure answered with an error envelope: thrown by handlers, caught once by the server. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

export function sendData(res: ServerResponse, status: number, data: unknown): void {
	send(res, status, { success: true, data });
}

export function sendError(
	res: ServerResponse,
	status: number,
	code: string,
	message: string,
	headers: Record<string, string> = {}
): void {
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	send(res, status, { success: false, error: { code, message } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		'cache-control': 'no-store'
	});
	res.end(text);
}

/** Validates `value` or throws a 400 that names each bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
	const parsed = schema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new HttpError(400, ProtocolErrorCode.VALIDATION_FAILED, describeIssues(parsed.error));
}

/** The request's JSON body: 415 when it is not JSON, 413 over the limit, 400 when malformed. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
	const type = req.headers['content-type'] ?? '';
	if (!/^application\/json\s*(;|$)/i.test(type)) {
		throw new HttpError(
			415,
			ProtocolErrorCode.UNSUPPORTED_MEDIA_TYPE,
			'body: send JSON with Content-Type: application/json'
		);
	}
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > MAX_BODY_BYTES) throw tooLarge();
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw tooLarge();
		chunks.push(chunk);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text);
	} catch (error) {
		const reason = error instanceof Error ? error.message : 'not JSON';
		throw new HttpError(
			400,
			ProtocolErrorCode.VALIDATION_FAILED,
			`body: malformed JSON (${reason})`
		);
	}
}

function tooLarge(): HttpError {
	return new HttpError(
		413,
		ProtocolErrorCode.PAYLOAD_TOO_LARGE,
		`body: larger than ${MAX_BODY_BYTES} bytes`,
		// The rest of the body is not read, so the connection cannot carry another request.
		{ connection: 'close' }
	);
}

/**
 * Compares a presented token with the expected one in constant time: both are hashed first,
 * so neither their contents nor their lengths show in the timing.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
	if (presented === undefined) return false;
	const digest = (text: string) => createHash('sha256').update(text).digest();
	return timingSafeEqual(digest(presented), digest(expected));
}

/** The bearer token of an Authorization header, if it has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	return match?.[1];
}
