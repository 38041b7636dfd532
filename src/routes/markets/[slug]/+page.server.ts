import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = await serverCaller(event);
	try {
		return { market: await caller.markets.get({ slug: event.params.slug }) };
	} catch (cause) {
		if (cause instanceof TRPCError && cause.code === 'NOT_FOUND') error(404, 'No such market');
		throw cause;
	}
};
