import { fireEvent, render, waitFor, within } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, fakeApi, jsonOf, textField, type Sent } from "../test/fake-api";
import RolodexPage from "./rolodex";

function patient(
  id: number,
  firstName: string,
  lastName: string,
  phone: string,
  dateOfBirth: string | null = null,
) {
  const digits = phone.slice(2);
  return {
    id,
    orgId: 1,
    firstName,
    lastName,
    phone,
    phoneDisplay: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
    dateOfBirth,
    notes: null,
    externalId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const TEST = patient(1, "Test", "Patient", "+15550001111", "1980-03-04");
const MARIA = patient(2, "Maria", "Alvarez", "+15550002222");
const DIEGO = patient(3, "Diego", "Alvarez", "+15550002222");

/** The Rolodex answers like the API: everyone for an empty search, the Alvarez family for "alv". */
function search(request: Sent) {
  const q = textField(request, "q");
  const patients = q === "" ? [TEST, MARIA, DIEGO] : q.toLowerCase() === "alv" ? [DIEGO, MARIA] : [];
  return { json: { patients, nextCursor: null } };
}

describe("Rolodex", () => {
  it("lists patients with formatted phone and date of birth, and searches on the server", async () => {
    const { sent } = fakeApi({ "POST /api/patients/search": search });
    const view = render(() => <RolodexPage />);

    const row = (await view.findByRole("rowheader", { name: "Patient, Test" })).closest("tr");
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).getByText("(555) 000-1111")).toBeInTheDocument();
    expect(within(row as HTMLElement).getByText("Mar 4, 1980")).toBeInTheDocument();

    fireEvent.input(view.getByLabelText("Search patients"), { target: { value: "alv" } });
    // The search is debounced, so the list changes a moment after typing, as it would for a user.
    await waitFor(() => expect(view.queryByRole("rowheader", { name: "Patient, Test" })).toBeNull(), {
      timeout: 2000,
    });
    expect(view.getByRole("rowheader", { name: "Alvarez, Diego" })).toBeInTheDocument();
    expect(view.getByRole("rowheader", { name: "Alvarez, Maria" })).toBeInTheDocument();
    // The search travels in the body: the URL (which the Worker's logs keep) never names anyone.
    const last = sent.at(-1);
    expect(last?.url.pathname).toBe("/api/patients/search");
    expect(jsonOf(last).q).toBe("alv");
    expect(last?.url.search).toBe("");
  });

  it("shows the API's message when a new patient is refused", async () => {
    fakeApi({
      "POST /api/patients/search": search,
      "POST /api/patients": apiError(400, "invalid_input", 'phone: "12" is not a valid phone number'),
    });
    const view = render(() => <RolodexPage />);
    fireEvent.click(view.getByRole("button", { name: "Add patient" }));

    const form = view.getByRole("form", { name: "Add patient" });
    const field = (label: string) => within(form).getByLabelText(label);
    fireEvent.input(field("First name"), { target: { value: "Nina" } });
    fireEvent.input(field("Last name"), { target: { value: "Novak" } });
    fireEvent.input(field("Mobile phone"), { target: { value: "12" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add patient" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent(
      'phone: "12" is not a valid phone number',
    );
  });

  it("previews a CSV with row errors and keeps Import disabled", async () => {
    const { sent } = fakeApi({
      "POST /api/patients/search": search,
      "POST /api/patients/import": {
        json: {
          rowCount: 3,
          valid: 1,
          errors: [
            { row: 3, field: "phone", message: '"123" is not a valid phone number' },
            { row: 4, field: "lastName", message: "is required" },
          ],
          preview: [{ ...patient(0, "Ana", "Bell", "+15550003333"), notes: null }],
          imported: 0,
        },
      },
    });
    const view = render(() => <RolodexPage />);
    fireEvent.click(view.getByRole("button", { name: "Import CSV" }));

    const csv = "first,last,phone\nAna,Bell,5550003333\nBo,Chen,123\nCy,,5550004444\n";
    const file = new File([csv], "patients.csv", { type: "text/csv" });
    fireEvent.change(view.getByLabelText("CSV file"), { target: { files: [file] } });

    expect(await view.findByText("3 rows, 1 valid, 2 with problems.")).toBeInTheDocument();
    const errors = view.getByRole("table", { name: "Rows to fix before importing" });
    const rows = within(errors).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      '3Mobile phone"123" is not a valid phone number',
      "4Last nameis required",
    ]);
    expect(view.getByRole("button", { name: "Import" })).toBeDisabled();
    const preview = sent.find((r) => r.url.pathname === "/api/patients/import");
    expect(preview?.url.searchParams.get("dryRun")).toBe("true");
    expect(preview?.body).toBe(csv);
  });

  it("imports a clean CSV and says how many patients arrived", async () => {
    fakeApi({
      "POST /api/patients/search": search,
      "POST /api/patients/import": (request) => {
        const dryRun = request.url.searchParams.get("dryRun") === "true";
        const preview = [patient(0, "Ana", "Bell", "+15550003333")];
        return {
          status: dryRun ? 200 : 201,
          json: { rowCount: 1, valid: 1, errors: [], preview, imported: dryRun ? 0 : 1 },
        };
      },
    });
    const view = render(() => <RolodexPage />);
    fireEvent.click(view.getByRole("button", { name: "Import CSV" }));
    const file = new File(["first,last,phone\nAna,Bell,5550003333\n"], "one.csv", { type: "text/csv" });
    fireEvent.change(view.getByLabelText("CSV file"), { target: { files: [file] } });

    const importButton = view.getByRole("button", { name: "Import" });
    await expect.poll(() => importButton.hasAttribute("disabled")).toBe(false);
    fireEvent.click(importButton);
    expect(await view.findByText("Imported 1 patients.")).toBeInTheDocument();
  });
});
