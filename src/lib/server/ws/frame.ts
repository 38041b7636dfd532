// Which WebSocket message a tRPC call came from. tRPC's ws adapter never tells a procedure the
// socket it serves or the id its client gave the subscription; the endpoint runs the adapter's
// message handler inside `withIncomingFrame`, so that a subscription resolver further down the
// same async chain can find both: the socket, and the message at its `batchIndex` in that frame
// (the adapter numbers the messages of a batched frame in order). The native fan-out path
// (fanout.ts) uses it to send events straight to the socket under that id.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TRPCResponseMessage } from '@trpc/server/rpc';
import type { RawData, WebSocket } from 'ws';

/** How one endpoint turns a response into the text tRPC's adapter would send, and reads frames. */
export interface FrameCodec {
	/** The router's transformer, then the endpoint's encoder: exactly the adapter's `respond`. */
	encodeResponse(message: TRPCResponseMessage): string;
	decode(text: string): unknown;
}

interface IncomingFrame {
	socket: WebSocket;
	/** The frame as received; dropped once decoded. */
	data: RawData | null;
	isBinary: boolean;
	codec: FrameCodec;
	/** The frame's messages, decoded on first demand; null when it is not a text frame of JSON. */
	messages?: readonly unknown[] | null;
}

// One per process, however many copies of this module the dev server's reloads make.
const framesKey = Symbol.for('betwise.incomingWebSocketFrame');
const frames = ((globalThis as { [framesKey]?: AsyncLocalStorage<IncomingFrame> })[framesKey] ??=
	new AsyncLocalStorage<IncomingFrame>());

/** Runs `handle` (tRPC's message handler) with this frame as the context of what it starts. */
export function withIncomingFrame<T>(frame: Omit<IncomingFrame, 'messages'>, handle: () => T): T {
	return frames.run(frame, handle);
}

/** A subscription call as a socket client made it: where to send, and under which id. */
export interface SubscriptionTarget {
	socket: WebSocket;
	/** The id the client gave the subscription; every message about it carries this id. */
	id: number | string;
	jsonrpc: '2.0' | undefined;
	codec: FrameCodec;
}

function messagesOf(frame: IncomingFrame): readonly unknown[] | null {
	if (frame.messages !== undefined) return frame.messages;
	let messages: readonly unknown[] | null = null;
	// tRPC's adapter handles only text frames that arrive as one Buffer.
	if (!frame.isBinary && Buffer.isBuffer(frame.data)) {
		try {
			const decoded = frame.codec.decode(frame.data.toString('utf8'));
			messages = Array.isArray(decoded) ? decoded : [decoded];
		} catch {
			messages = null;
		}
	}
	frame.messages = messages;
	frame.data = null;
	return messages;
}

/**
 * The socket and subscription id of a subscription call that came in over the endpoint's
 * WebSocket, or null (an HTTP call, a server-side caller, or a message that does not match the
 * call: then the caller takes tRPC's ordinary path).
 */
export function subscriptionTargetOf(call: {
	path: string;
	batchIndex?: number;
}): SubscriptionTarget | null {
	const frame = frames.getStore();
	if (!frame) return null;
	const message = messagesOf(frame)?.[call.batchIndex ?? 0] as
		| { id?: unknown; jsonrpc?: unknown; method?: unknown; params?: { path?: unknown } }
		| null
		| undefined;
	if (
		typeof message !== 'object' ||
		message === null ||
		message.method !== 'subscription' ||
		message.params?.path !== call.path ||
		!(typeof message.id === 'number' || typeof message.id === 'string')
	) {
		return null;
	}
	return {
		socket: frame.socket,
		id: message.id,
		jsonrpc: message.jsonrpc === '2.0' ? '2.0' : undefined,
		codec: frame.codec
	};
}
