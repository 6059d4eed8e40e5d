/**
 * @module What an admin's edit of a user means for that user's access: pure rules, no I/O
 * (routes/admin-users.ts applies them).
 */
import type { Role } from "../db/schema";

export type UserEdit = {
  password?: string;
  active?: boolean;
  role?: Role;
  numberIds?: readonly number[];
};

/**
 * Whether the user's sessions end (a new password or a disabled account must not keep a signed-in browser)
 * and whether their open live feeds end: those were authorised under the old access, so any change to
 * role, grants or sign-in closes them, and browsers still allowed reconnect at once.
 */
export function accessEffects(edit: UserEdit): { signOut: boolean; closeLiveFeeds: boolean } {
  const signOut = edit.password !== undefined || edit.active === false;
  return { signOut, closeLiveFeeds: signOut || edit.numberIds !== undefined || edit.role !== undefined };
}

/** An admin may not disable themself or drop their own admin role: the practice could be left with none. */
export function locksSelfOut(actorId: number, targetId: number, edit: UserEdit): boolean {
  return actorId === targetId && (edit.active === false || edit.role === "staff");
}
