/** A misconfigured deployment must be visible, not silently replaced by defaults. */
export function ConfigProblems({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="notice config-problems" role="alert">
      <p>The app's configuration has problems, so safe defaults are in use:</p>
      <ul>
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}
