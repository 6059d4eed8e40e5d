export function App() {
  return <main>Textdesk</main>;
}
