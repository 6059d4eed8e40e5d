import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { clinicNumbers, userNumbers, users, type Role, type User } from "../schema";
import { chunked, inJsonList, MAX_BOUND_PARAMETERS } from "./chunked";
import { auditInsert, type AuditEntry } from "./audit";
import { deleteUserSessions } from "./sessions";

export type UserView = Omit<User, "passwordHash"> & { numberIds: number[] };

export function toUserView(user: User, numberIds: number[]): UserView {
  const { passwordHash: _omit, ...rest } = user;
  return { ...rest, numberIds };
}

export async function findUserByEmail(db: Db, email: string) {
  return db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
}

export async function listUsers(db: Db, orgId: number): Promise<UserView[]> {
  const rows = await db.select().from(users).where(eq(users.orgId, orgId)).orderBy(asc(users.name));
  const grants = rows.length
    ? await db
        .select()
        .from(userNumbers)
        // A practice may have more users than D1's 100 bound parameters allow in an IN list.
        .where(
          inJsonList(
            userNumbers.userId,
            rows.map((u) => u.id),
          ),
        )
    : [];
  return rows.map((u) =>
    toUserView(
      u,
      grants.filter((g) => g.userId === u.id).map((g) => g.numberId),
    ),
  );
}

export async function getUser(db: Db, orgId: number, id: number): Promise<UserView | undefined> {
  const user = await db.query.users.findFirst({
    where: and(eq(users.id, id), eq(users.orgId, orgId)),
  });
  if (!user) return undefined;
  const grants = await db.select().from(userNumbers).where(eq(userNumbers.userId, id));
  return toUserView(
    user,
    grants.map((g) => g.numberId),
  );
}

/** Of the given ids, those that are clinic numbers of this practice. */
export async function numberIdsInOrg(db: Db, orgId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: clinicNumbers.id })
    .from(clinicNumbers)
    .where(and(eq(clinicNumbers.orgId, orgId), inJsonList(clinicNumbers.id, ids)));
  return rows.map((r) => r.id);
}

export type NewUser = {
  orgId: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  smsReplyAlert: boolean;
  smsReplySound: boolean;
  muteAlerts?: boolean;
  muteSound?: boolean;
};

export function insertUser(db: Db, user: NewUser, now: number) {
  return db
    .insert(users)
    .values({ ...user, email: user.email.toLowerCase(), createdAt: now })
    .returning();
}

export function updateUserRow(db: Db, orgId: number, id: number, patch: Partial<NewUser>) {
  return db
    .update(users)
    .set(patch.email ? { ...patch, email: patch.email.toLowerCase() } : patch)
    .where(and(eq(users.id, id), eq(users.orgId, orgId)));
}

/**
 * Statements that replace a user's number grants; run them in the batch that changes the user. Each grant
 * binds two parameters, so the inserts are chunked under D1's 100 per statement.
 */
export function replaceGrants(db: Db, userId: number, numberIds: number[]) {
  const del = db.delete(userNumbers).where(eq(userNumbers.userId, userId));
  const inserts = chunked(numberIds, Math.floor(MAX_BOUND_PARAMETERS / 2)).map((chunk) =>
    db.insert(userNumbers).values(chunk.map((numberId) => ({ userId, numberId }))),
  );
  return [del, ...inserts] as const;
}

/** A just-created user's number grants and the audit entry of the creation, in one transaction. */
export async function grantNewUser(
  db: Db,
  input: { userId: number; numberIds: number[]; audit: AuditEntry },
  now: number,
) {
  await db.batch([...replaceGrants(db, input.userId, input.numberIds), auditInsert(db, input.audit, now)]);
}

/**
 * An admin's edit of a user as one transaction: the audit entry, the changed columns, the new grants, and
 * the user's sessions ended when asked (password changed, disabled). Any part may be absent but the audit.
 */
export async function applyUserEdit(
  db: Db,
  input: {
    orgId: number;
    userId: number;
    patch: Partial<NewUser>;
    grants: number[] | undefined;
    signOut: boolean;
    audit: AuditEntry;
  },
) {
  const { orgId, userId, patch, grants } = input;
  await db.batch([
    auditInsert(db, input.audit),
    // Only the grants may be changing: an UPDATE with nothing to set is not valid SQL.
    ...(Object.keys(patch).length > 0 ? [updateUserRow(db, orgId, userId, patch)] : []),
    ...(grants ? replaceGrants(db, userId, grants) : []),
    ...(input.signOut ? [deleteUserSessions(db, userId)] : []),
  ]);
}

/** A staff author's display name for live events. */
export async function getUserName(db: Db, userId: number): Promise<string | null> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId), columns: { name: true } });
  return user?.name ?? null;
}
