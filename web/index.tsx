import { render } from "solid-js/web";
import { App } from "./app";
import { registerServiceWorker } from "./lib/service-worker";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
render(() => <App />, root);
// After the first render, so installing the worker never competes with the page's own first requests.
window.addEventListener("load", registerServiceWorker, { once: true });
