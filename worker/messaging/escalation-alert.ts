/**
 * @module The doctor's after-hours alert text, sent to the number's alert phones: by afterInbound at once
 * (after-inbound.ts), or by the number's alarm when it was held back behind a push (escalation.ts). One
 * place, so both send the same text the same way: never to an opted-out phone (audited instead).
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import { auditInsert } from "../db/queries/audit";
import { getOrganization } from "../db/queries/organizations";
import type { ClinicNumber } from "../db/schema";
import { alertText } from "../domain/after-hours";
import { AppError } from "../lib/errors";
import { sendText, type SendOptions } from "./send-text";

export type AlertTexts = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  /** The alert phones less the patient's own (a doctor texting the clinic is not alerted about it). */
  targets: string[];
  /** Makes each phone's text idempotent: the same key never sends twice, even if this step runs again. */
  idempotencyKey: (target: string) => string;
  sendOptions?: SendOptions | undefined;
};

/** The alert phones of a number, less the patient's own. */
export function alertTargets(number: ClinicNumber, patientPhone: string): string[] {
  return number.alertPhones.filter((p) => p !== patientPhone);
}

export async function sendAlertTexts(input: AlertTexts): Promise<void> {
  const { db, env, number } = input;
  const org = await getOrganization(db, number.orgId);
  const body = alertText(org?.name ?? number.label);
  for (const target of input.targets) {
    try {
      await sendText(
        {
          db,
          env,
          numberId: number.id,
          phone: target,
          body,
          kind: "alert",
          authorUserId: null,
          idempotencyKey: input.idempotencyKey(target),
        },
        input.sendOptions,
      );
    } catch (error) {
      if (!(error instanceof AppError && error.code === "opted_out")) throw error;
      await auditInsert(db, {
        orgId: number.orgId,
        userId: null,
        action: "alert.skipped_opted_out",
        targetType: "clinic_number",
        targetId: number.id,
      });
    }
  }
}
