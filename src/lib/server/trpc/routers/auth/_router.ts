import { z } from 'zod';
import { router } from '../../init';
import { publicProcedure, webProcedure } from '../../procedures';
import { logout } from './logout.handler';
import { me } from './me.handler';
import { meOutput } from './me.schema';

export const authRouter = router({
	me: publicProcedure.output(meOutput).query(me),
	logout: webProcedure.output(z.strictObject({ ok: z.literal(true) })).mutation(logout)
});
