import type { ResultError } from '../../../shared/result';

/** An error in words, with what to do; 'unavailable' means the engine part is not in this build. */
export function ErrorNote({ error, what }: { error: ResultError; what: string }) {
  // The engine answers 'unavailable' both for a part missing from this build and for one that is
  // down for now (no broker); only the first is "not available in this build".
  if (error.code === 'unavailable' && /not available in this build/i.test(error.message)) {
    return (
      <div className="notice unavailable" role="status">
        <strong>{what} is not available in this build.</strong> <span>{error.message}</span>
      </div>
    );
  }
  if (error.code === 'unavailable') {
    return (
      <div className="notice error" role="alert">
        <strong>{what} is unavailable right now:</strong> {error.message}.{' '}
        <span>Homebeat retries by itself; see the Activity page for its state.</span>
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
