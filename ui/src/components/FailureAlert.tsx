/** Why the last action failed, in the dialog or screen where it was taken. */
export function FailureAlert({ failure }: { failure: { title: string; message: string } | null }) {
  if (!failure) return null;
  return (
    <div className="import-error" role="alert">
      <p className="import-error-title">{failure.title}</p>
      <p className="import-error-message">{failure.message}</p>
    </div>
  );
}
