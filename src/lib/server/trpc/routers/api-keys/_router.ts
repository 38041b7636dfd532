// A trader's API keys, from a browser session only: a key can neither make nor end keys.
import { router } from '../../init';
import { webProcedure } from '../../procedures';
import { createMyApiKey } from './create.handler';
import { createInput, createOutput } from './create.schema';
import { myApiKeys } from './list.handler';
import { listInput, listOutput } from './list.schema';
import { revokeMyApiKey } from './revoke.handler';
import { revokeInput, revokeOutput } from './revoke.schema';

export const apiKeysRouter = router({
	list: webProcedure.input(listInput).output(listOutput).query(myApiKeys),
	create: webProcedure.input(createInput).output(createOutput).mutation(createMyApiKey),
	revoke: webProcedure.input(revokeInput).output(revokeOutput).mutation(revokeMyApiKey)
});
