import { createMemo } from "solid-js";
import { timeZones } from "../lib/format";
import { SelectField } from "./ui/SelectField";

/** A time zone picker over every zone the browser knows; the current value stays listed even if not. */
export function TimezoneField(props: { label?: string; value: string; onValue: (value: string) => void }) {
  const options = createMemo(() => {
    const zones = timeZones();
    const all = zones.includes(props.value) || !props.value ? zones : [props.value, ...zones];
    return all.map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") }));
  });
  return (
    <SelectField
      label={props.label ?? "Time zone"}
      value={props.value}
      options={options()}
      onValue={props.onValue}
    />
  );
}
