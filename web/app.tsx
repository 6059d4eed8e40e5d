import { Router } from "@solidjs/router";
import type { JSX } from "solid-js";
import { routes } from "./routes";

/** The root layout: a skip link, then whichever route matched. */
export function Root(props: { children?: JSX.Element }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      {props.children}
    </>
  );
}

export function App() {
  return <Router root={Root}>{routes}</Router>;
}
