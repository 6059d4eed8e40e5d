import { Navigate } from "@solidjs/router";

/** A route component that only forwards, for index paths such as "/" and "/settings". */
export function redirectTo(href: string) {
  return () => <Navigate href={href} />;
}
