import { Me } from '$lib/shared/users';

export const meOutput = Me.nullable();
