import type { D1Migration } from "cloudflare:test";
import type { Env as AppBindings } from "../env";
import type * as mainModule from "../index";

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof mainModule;
      durableNamespaces: "ClinicNumberHub";
    }
  }
}
