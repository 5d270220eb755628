// The positions on a commission and the roles of users, in the order the forms offer them.

import type { UserRole } from '../../lib/ipc';

/** Commission positions as stored and printed (the print crate names them on paper). */
export const POSITIONS = ['chair', 'deputy_chair', 'secretary', 'member'] as const;

/** User roles: every role types; only the chair's PIN finalizes. */
export const ROLES: readonly UserRole[] = ['clerk', 'secretary', 'chair'];
