import { router } from '../../init';
import { adminProcedure, supportProcedure } from '../../procedures';
import { enginesRouter } from './engines/_router';
import { flagsRouter } from './flags/_router';
import { adminMarketsRouter } from './markets/_router';
import { adjustCash } from './users-adjust-cash.handler';
import { adjustCashInput, adjustCashOutput } from './users-adjust-cash.schema';
import { userDetail } from './users-detail.handler';
import { userDetailInput, userDetailOutput } from './users-detail.schema';
import { userActivity } from './users-activity.handler';
import { userActivityInput, userActivityOutput } from './users-activity.schema';
import { userOrders } from './users-orders.handler';
import { userOrdersInput, userOrdersOutput } from './users-orders.schema';
import { revokeSessions, searchUsers } from './users.handler';
import {
	revokeSessionsInput,
	revokeSessionsOutput,
	searchUsersInput,
	searchUsersOutput
} from './users.schema';

export const adminRouter = router({
	users: router({
		search: supportProcedure.input(searchUsersInput).output(searchUsersOutput).query(searchUsers),
		detail: supportProcedure.input(userDetailInput).output(userDetailOutput).query(userDetail),
		/** The user's orders past the page detail shows, newest first. */
		orders: supportProcedure.input(userOrdersInput).output(userOrdersOutput).query(userOrders),
		/** The user's account activity past the page detail shows, newest first. */
		activity: supportProcedure
			.input(userActivityInput)
			.output(userActivityOutput)
			.query(userActivity),
		revokeSessions: adminProcedure
			.input(revokeSessionsInput)
			.output(revokeSessionsOutput)
			.mutation(revokeSessions),
		/** Credits or debits a trader's available cash, with a reason kept in ledger and audit. */
		adjustCash: adminProcedure.input(adjustCashInput).output(adjustCashOutput).mutation(adjustCash)
	}),
	flags: flagsRouter,
	engines: enginesRouter,
	markets: adminMarketsRouter
});
