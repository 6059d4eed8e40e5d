import type { api, Ok } from "./api";

export type Patient = Ok<Awaited<ReturnType<typeof api.api.patients.$get>>>["patients"][number];
export type ImportReport = Ok<Awaited<ReturnType<typeof api.api.patients.import.$post>>>;

export function fullName(p: { firstName: string; lastName: string }) {
  return `${p.firstName} ${p.lastName}`;
}
