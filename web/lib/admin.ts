import type { api, Ok } from "./api";

export type UserView = Ok<Awaited<ReturnType<typeof api.api.admin.users.$get>>>["users"][number];
export type NumberView = Ok<Awaited<ReturnType<typeof api.api.numbers.$get>>>["numbers"][number];
export type Settings = Ok<Awaited<ReturnType<typeof api.api.admin.settings.$get>>>["settings"];
export type AuditEntry = Ok<Awaited<ReturnType<typeof api.api.admin.audit.$get>>>["entries"][number];

export const CARRIER_OPTIONS = [
  { value: "twilio", label: "Twilio" },
  { value: "telnyx", label: "Telnyx" },
  { value: "simulator", label: "Simulator (testing only)" },
] as const;

export type Carrier = (typeof CARRIER_OPTIONS)[number]["value"];

export function carrierLabel(carrier: string) {
  return CARRIER_OPTIONS.find((c) => c.value === carrier)?.label ?? carrier;
}
