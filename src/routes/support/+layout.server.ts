// Support pages are for SUPPORT and ADMIN staff only: a signed-out visitor is sent to sign in,
// a trader is refused.
import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	if (locals.user.role !== 'SUPPORT' && locals.user.role !== 'ADMIN') {
		error(403, 'Support pages are for BetWise staff only.');
	}
	return { staff: locals.user };
};
