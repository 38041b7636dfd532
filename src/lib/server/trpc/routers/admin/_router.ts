import { router } from '../../init';
import { adminProcedure, supportProcedure } from '../../procedures';
import { enginesRouter } from './engines/_router';
import { flagsRouter } from './flags/_router';
import { userDetail } from './users-detail.handler';
import { userDetailInput, userDetailOutput } from './users-detail.schema';
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
		revokeSessions: adminProcedure
			.input(revokeSessionsInput)
			.output(revokeSessionsOutput)
			.mutation(revokeSessions)
	}),
	flags: flagsRouter,
	engines: enginesRouter
});
