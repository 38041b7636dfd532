import { z } from 'zod';
import { router } from '../../init';
import { authedProcedure, publicProcedure } from '../../procedures';
import { logout } from './logout.handler';
import { me } from './me.handler';
import { meOutput } from './me.schema';

export const authRouter = router({
	me: publicProcedure.output(meOutput).query(me),
	logout: authedProcedure.output(z.strictObject({ ok: z.literal(true) })).mutation(logout)
});
