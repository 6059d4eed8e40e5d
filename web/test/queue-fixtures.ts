/** Queue rows and messages shaped like the API's answers, for component tests. */
import { vi } from "vitest";
import type { Conversation } from "../lib/queue-types";
import type { Me } from "../lib/session";
import { ME } from "./render-app";

// Typed by the API's own answer types (Hono RPC), with `satisfies` so a field the Worker renames, drops or
// adds fails tsc here instead of leaving the fixture to describe an API that no longer exists.
type NumberView = Me["numbers"][number];

function clinicNumber(fields: Pick<NumberView, "id" | "e164" | "label" | "carrier">) {
  return {
    orgId: 1,
    carrierAccountId: null,
    timezone: "America/Chicago",
    carrierHandlesOptOut: null,
    officeHours: null,
    alertPhones: [],
    afterHoursQuietMinutes: 15,
    lastAfterHoursAlertAt: null,
    awayMessage: null,
    escalation: null,
    lastEscalationAt: null,
    createdAt: 0,
    hasCredentials: fields.carrier !== "simulator",
    phoneDisplay: `(${fields.e164.slice(2, 5)}) ${fields.e164.slice(5, 8)}-${fields.e164.slice(8)}`,
    ...fields,
  } satisfies NumberView;
}

export const MAIN = clinicNumber({ id: 1, e164: "+15551230001", label: "Main office", carrier: "simulator" });
export const WESTSIDE = clinicNumber({ id: 2, e164: "+15551230002", label: "Westside", carrier: "twilio" });
export const ME_WITH_NUMBERS = {
  ...ME,
  user: { ...ME.user, muteAlerts: false, muteSound: false, numberIds: [1, 2] },
  numbers: [MAIN, WESTSIDE],
} satisfies Me;

type Person = { id: number; firstName: string; lastName: string };

export function row(id: number, phone: string, patients: Person[], unread: boolean, preview = "Hello") {
  const d = phone.slice(2);
  return {
    id,
    orgId: 1,
    numberId: 1,
    phone,
    phoneDisplay: `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
    lastMessageAt: Date.UTC(2026, 2, 4, 16) - id * 60_000,
    createdAt: Date.UTC(2026, 2, 1),
    lastMessagePreview: preview,
    unread,
    patients,
    optedOutAt: null as number | null,
    state: "open" as const,
    snoozedUntil: null as number | null,
    assignedUserId: null as number | null,
    awayRepliedAt: null as number | null,
    unansweredSince: null as number | null,
    escalatedAt: null as number | null,
    alertDueAt: null as number | null,
    needsAttention: false,
    assignedName: null as string | null,
  } satisfies Conversation;
}

export const ALVAREZ = row(
  2,
  "+15550002222",
  [
    { id: 2, firstName: "Maria", lastName: "Alvarez" },
    { id: 3, firstName: "Diego", lastName: "Alvarez" },
  ],
  true,
  "Can we come in today?",
);
export const TEST_PATIENT = row(
  1,
  "+15550001111",
  [{ id: 1, firstName: "Test", lastName: "Patient" }],
  false,
);
export const UNKNOWN = row(3, "+15550009999", [], false, "Who is this?");

/** jsdom has no layout: give scrolling containers a size so the virtual list renders its rows. */
export function giveElementsASize() {
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue(
    DOMRect.fromRect({ x: 0, y: 0, width: 400, height: 600 }),
  );
  // The virtual list sizes its viewport from clientHeight (conversation-list.tsx).
  vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(600);
  vi.spyOn(Element.prototype, "clientWidth", "get").mockReturnValue(400);
}

/** A socket that never connects: component tests look at REST, the live client has its own test. */
export class SilentSocket {
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  send() {}
  close() {}
}
