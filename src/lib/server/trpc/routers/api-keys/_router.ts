// A trader's API keys and their history, from a browser session only: a key can neither make
// nor end keys, nor read who did.
import { router } from '../../init';
import { webProcedure } from '../../procedures';
import { myAccountActivity } from './activity.handler';
import { activityInput, activityOutput } from './activity.schema';
import { createMyApiKey } from './create.handler';
import { createInput, createOutput } from './create.schema';
import { myApiKeys } from './list.handler';
import { listInput, listOutput } from './list.schema';
import { revokeMyApiKey } from './revoke.handler';
import { revokeInput, revokeOutput } from './revoke.schema';

export const apiKeysRouter = router({
	list: webProcedure.input(listInput).output(listOutput).query(myApiKeys),
	create: webProcedure.input(createInput).output(createOutput).mutation(createMyApiKey),
	revoke: webProcedure.input(revokeInput).output(revokeOutput).mutation(revokeMyApiKey),
	/** Keys made and revoked, and every sign-out by staff: who did what to the trader's access. */
	activity: webProcedure.input(activityInput).output(activityOutput).query(myAccountActivity)
});
