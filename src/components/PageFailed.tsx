/** What the page shows when drawing it failed: what happened, that nothing is lost, and the way back. */
export function PageFailed({ title, error }: { title: string; error: Error }) {
  return (
    <main className="page-failed" role="alert" aria-labelledby="page-failed-heading">
      <h1 id="page-failed-heading">{title} could not show this page</h1>
      <p>An error stopped the page while it was drawing: {error.message || error.name}.</p>
      <p>
        Your chats, your draft and your downloaded models are kept in this browser, and a reply that was being written keeps
        what it had, marked as interrupted. Reload the page to go on.
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </main>
  );
}
