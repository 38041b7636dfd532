// The API: every router, and its type, which is all the browser client imports.
import { createCallerFactory, router } from './init';
import { adminRouter } from './routers/admin/_router';
import { authRouter } from './routers/auth/_router';
import { marketsRouter } from './routers/markets/_router';

export const appRouter = router({
	auth: authRouter,
	markets: marketsRouter,
	admin: adminRouter
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
