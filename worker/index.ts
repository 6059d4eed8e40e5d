import app from "./app";
import type { Env } from "./env";

export { ClinicNumberHub } from "./realtime/clinic-number-hub";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
