/** Placeholder: the simulator (a patient's phone texting a clinic number) is built separately. */
export default function SimulatorPage() {
  return (
    <main id="main" class="page stack">
      <h1>Simulator</h1>
      <p class="empty">The phone simulator arrives soon.</p>
    </main>
  );
}
