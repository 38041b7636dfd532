// The API: every router, and its type, which is all the browser client imports.
import { createCallerFactory, router } from './init';
import { accountRouter } from './routers/account/_router';
import { adminRouter } from './routers/admin/_router';
import { apiKeysRouter } from './routers/api-keys/_router';
import { authRouter } from './routers/auth/_router';
import { booksRouter } from './routers/books/_router';
import { marketsRouter } from './routers/markets/_router';
import { tradesRouter } from './routers/trades/_router';
import { ordersRouter } from './routers/orders/_router';
import { positionsRouter } from './routers/positions/_router';

export const appRouter = router({
	auth: authRouter,
	markets: marketsRouter,
	trades: tradesRouter,
	books: booksRouter,
	orders: ordersRouter,
	positions: positionsRouter,
	account: accountRouter,
	apiKeys: apiKeysRouter,
	admin: adminRouter
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
