import type { Env } from "../env";
import { describeError } from "../lib/errors";
import { hubFor } from "../messaging/hub";

/**
 * Ends a user's live feeds on these numbers now, after their access changed (disabled, grants, password,
 * sign-out). Their browsers reconnect through the session check, which admits them again only if still allowed.
 */
export async function closeUserSockets(
  env: Pick<Env, "CLINIC_NUMBER_HUB">,
  numberIds: number[],
  userId: number,
) {
  await Promise.all(
    numberIds.map((id) =>
      hubFor(env, id)
        .closeUser(userId)
        .catch((error: unknown) => {
          console.error(`closing sockets on number ${id} failed:`, describeError(error));
        }),
    ),
  );
}
