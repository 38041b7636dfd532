// The WebSocket endpoints of this process, so that logout and revocation can close a session's
// sockets wherever they are. Kept apart from the endpoint wiring, which imports the router.
import type { WebSocketEndpoint } from './endpoint';

const key = Symbol.for('betwise.webSocketEndpoints');
type Holder = { [key]?: Set<WebSocketEndpoint> };

export const endpoints = () => ((globalThis as Holder)[key] ??= new Set());

/** Closes every socket of a session in this process (logout, revocation); returns how many. */
export function closeSessionSockets(sessionId: string): number {
	let closed = 0;
	for (const endpoint of endpoints()) closed += endpoint.closeSessionSockets(sessionId);
	return closed;
}
