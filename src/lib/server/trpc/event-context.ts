// Builds the tRPC context from a SvelteKit request (HTTP calls and server-side page loads).
import type { RequestEvent } from '@sveltejs/kit';
import { services } from '../services';
import { createContext } from './context';
import { createCaller } from './root';

export async function contextForEvent(event: RequestEvent) {
	const svc = await services();
	const allowedOrigins = [
		event.url.origin,
		...(svc.env.ORIGIN ? [new URL(svc.env.ORIGIN).origin] : [])
	];
	return createContext({
		services: svc,
		session: event.locals.session,
		invalidApiKey: event.locals.invalidApiKey,
		origin: event.request.headers.get('origin'),
		allowedOrigins,
		clientAddress: event.getClientAddress()
	});
}

/** A server-side caller of the same router, for +page.server.ts loads and form actions. */
export async function serverCaller(event: RequestEvent) {
	return createCaller(await contextForEvent(event));
}
