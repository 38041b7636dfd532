import { router } from '../../init';
import { adminProcedure, supportProcedure } from '../../procedures';
import { flagsRouter } from './flags/_router';
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
		revokeSessions: adminProcedure
			.input(revokeSessionsInput)
			.output(revokeSessionsOutput)
			.mutation(revokeSessions)
	}),
	flags: flagsRouter
});
