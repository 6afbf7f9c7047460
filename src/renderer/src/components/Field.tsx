import { cloneElement, useId, type ReactElement } from 'react';

type Control = ReactElement<{
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}>;

/**
 * A labelled control with its validation message right next to it. The label points at the control
 * by id (not by wrapping it, so a select's options are not part of the label's text), and the
 * message is tied to the control with aria-describedby.
 */
export function Field({
  label,
  error,
  children,
  hint,
}: {
  label: string;
  error?: string | null;
  hint?: string;
  children: Control;
}) {
  const id = useId();
  const note = `${id}-note`;
  return (
    <div className={`field ${error ? 'invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error || hint ? note : undefined,
      })}
      {hint && !error && (
        <span className="hint" id={note}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={note} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
