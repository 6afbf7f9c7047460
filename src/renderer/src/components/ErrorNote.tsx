import type { ResultError } from '../../../shared/result';

/** An error in words, with what to do; 'unavailable' means the engine part is not in this build. */
export function ErrorNote({ error, what }: { error: ResultError; what: string }) {
  if (error.code === 'unavailable') {
    return (
      <div className="notice unavailable" role="status">
        <strong>{what} is not available in this build.</strong> <span>{error.message}</span>
      </div>
    );
  }
  const hint =
    error.code === 'timeout'
      ? 'Homebeat did not answer; it will resynchronise when the connection is back.'
      : error.code === 'invalid_input'
        ? 'Check the highlighted value and try again.'
        : error.code === 'not_found'
          ? 'It may have been removed.'
          : 'Try again; if it persists, see the Activity page for details.';
  return (
    <div className="notice error" role="alert">
      <strong>{what} failed:</strong> {error.message}. <span>{hint}</span>
    </div>
  );
}
