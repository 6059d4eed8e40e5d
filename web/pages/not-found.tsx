import { A } from "@solidjs/router";

export default function NotFoundPage() {
  return (
    <section class="stack" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>
        There is nothing here. Go to <A href="/queue">Text Messages</A>.
      </p>
    </section>
  );
}
