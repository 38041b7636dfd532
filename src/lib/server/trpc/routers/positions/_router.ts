import { router } from '../../init';
import { authedProcedure } from '../../procedures';
import { myPositions } from './mine.handler';
import { mineOutput } from './mine.schema';
import { onMyPositionUpdates } from './on-my-updates.handler';

export const positionsRouter = router({
	mine: authedProcedure.output(mineOutput).query(myPositions),
	onMyUpdates: authedProcedure.subscription(onMyPositionUpdates)
});
