/** Placeholder until the text queue lands: keeps the toolbar link honest. */
export default function QueuePage() {
  return (
    <section class="stack" aria-labelledby="queue-title">
      <h1 id="queue-title">Text Messages</h1>
      <p class="empty">The message queue arrives soon. Until then, find patients in the Rolodex.</p>
    </section>
  );
}
