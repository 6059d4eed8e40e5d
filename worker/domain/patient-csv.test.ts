import { describe, it } from "vitest";
import { MAX_IMPORT_ROWS, NotCsvError, parsePatientCsv, TooManyRowsError } from "./patient-csv";

describe("parsePatientCsv", () => {
  it("accepts the header spellings practice systems export, with a BOM and CRLF", ({ expect }) => {
    const csv = "\uFEFFGiven Name,Surname,Cell Phone,Birth Date\r\nJo,Bloggs,5550001234,2001-02-03\r\n";
    const parsed = parsePatientCsv(csv);
    expect(parsed.errors).toEqual([]);
    expect(parsed.patients).toEqual([
      { firstName: "Jo", lastName: "Bloggs", phone: "+15550001234", dateOfBirth: "2001-02-03", notes: null },
    ]);
  });

  it("keeps quoted commas and newlines inside a field", ({ expect }) => {
    const parsed = parsePatientCsv('first,last,phone,notes\nAl,Bee,5550001235,"Line one,\nline two"\n');
    expect(parsed.patients[0]?.notes).toBe("Line one,\nline two");
  });

  it("numbers errors by spreadsheet row, header being row 1", ({ expect }) => {
    const parsed = parsePatientCsv("first,last,phone\nA,B,5550001236\nC,D,nope\n\nE,,5550001237\n");
    expect(parsed.errors.map((e) => [e.row, e.field])).toEqual([
      [3, "phone"],
      [4, "lastName"],
    ]);
  });

  it("refuses a file without the required columns", ({ expect }) => {
    expect(() => parsePatientCsv("name,email\nA,a@example.com\n")).toThrow(NotCsvError);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows`, ({ expect }) => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, () => "A,B,5550001238").join("\n");
    expect(() => parsePatientCsv(`first,last,phone\n${rows}`)).toThrow(TooManyRowsError);
  });
});
