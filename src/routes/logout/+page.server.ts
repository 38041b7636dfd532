import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { services } from '$lib/server/services';
import { serverCaller } from '$lib/server/trpc/event-context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		if (event.locals.session) await (await serverCaller(event)).auth.logout();
		const { env } = await services();
		clearSessionCookie(event.cookies, env.NODE_ENV === 'production');
		redirect(303, '/login');
	}
};
