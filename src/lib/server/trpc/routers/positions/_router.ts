import { router } from '../../init';
import { authedProcedure } from '../../procedures';
import { myPositions } from './mine.handler';
import { mineInput, mineOutput } from './mine.schema';
import { onMyPositionUpdates } from './on-my-updates.handler';

export const positionsRouter = router({
	mine: authedProcedure.input(mineInput).output(mineOutput).query(myPositions),
	onMyUpdates: authedProcedure.subscription(onMyPositionUpdates)
});
